//! The Learn tour: nine lessons, each a short text beside a live scene and
//! one to three things to try. All of a lesson's words live here, not in
//! view code. What each "try it" step claims (the phase and the gates once
//! it is done) is data too, and a test performs every step on the real
//! coordinator and checks the claim, so the text cannot drift from the code.

use crate::model::{Stage, TaskSpec, TaskState};
use crate::phase::Phase;
use crate::Coordinator;

/// One lesson.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    /// Its route: `#learn/<id>`, and `?embed&lesson=<id>`.
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static [&'static str],
    /// The scene, in the share-link form (tasks, states; leaders in `~t.`).
    pub scene: &'static str,
    /// For a lesson about time: the preset that shows it in run mode.
    pub over_time: Option<&'static str>,
    pub steps: &'static [TryIt],
}

/// A thing to try: what to do, in words and as actions (the tests do them),
/// and what the coordinator shows once it is done (the page ticks the step
/// off when it sees that).
#[derive(Debug, Clone, Copy)]
pub struct TryIt {
    pub says: &'static str,
    pub acts: &'static [Act],
    pub expect: Expect,
}

/// What the reader does, one control at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Reports a task's state (the task list or the runner box's menu).
    Report(&'static str, TaskState),
    /// Applies the first of "Nomad's alloc runner would now…".
    Apply,
    /// The Restart control (`nomad alloc restart -all-tasks`).
    Restart,
    /// The Restore control (a client restart).
    Restore,
    /// The All pending control.
    AllPending,
}

/// The coordinator's phase, some of its gates, and some tasks' last
/// reported states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    pub phase: Phase,
    pub open: &'static [Stage],
    pub closed: &'static [Stage],
    pub tasks: &'static [(&'static str, TaskState)],
}

impl Expect {
    /// Whether `coordinator`, told `states` of `tasks` last, shows this.
    pub fn met(&self, coordinator: &Coordinator, tasks: &[TaskSpec], states: &[TaskState]) -> bool {
        let gate = |s: Stage| coordinator.gate(s).is_some_and(|g| g.is_open());
        let state = |name: &str| {
            tasks
                .iter()
                .position(|t| t.name == name)
                .and_then(|i| states.get(i).copied())
        };
        coordinator.phase() == self.phase
            && self.open.iter().all(|&s| gate(s))
            && self.closed.iter().all(|&s| !gate(s))
            && self
                .tasks
                .iter()
                .all(|&(name, want)| state(name) == Some(want))
    }
}

impl Lesson {
    pub fn find(id: &str) -> Option<(usize, &'static Lesson)> {
        LESSONS.iter().enumerate().find(|(_, l)| l.id == id)
    }
}

use Stage::{
    Main, PoststartEphemeral, PoststartSidecar, Poststop, PrestartEphemeral, PrestartSidecar,
};

const fn report(task: &'static str, state: TaskState) -> Act {
    Act::Report(task, state)
}
const RUNNING: TaskState = TaskState::running();
const DEAD: TaskState = TaskState::dead();
const FAILED: TaskState = TaskState::failed();
const PENDING: TaskState = TaskState::pending();

pub const LESSONS: [Lesson; 9] = [
    Lesson {
        id: "phases",
        title: "Phases and gates at a glance",
        text: &[
            "Nomad starts a task group's tasks in an order you choose with each task's lifecycle block. Inside the client, one coordinator per allocation decides who may start: it walks through six phases (init, prestart, main, poststart, wait_alloc, poststop) and each phase opens some gates and closes the rest.",
            "Every task has a task runner, and a runner waits at the gate of its task's stage until the gate opens. The alloc runner tells the coordinator every task's state after each change, and only then does the coordinator look at its rules again.",
            "This group has a prestart task `init`, a main task `web` and a poststop task `cleanup`. The coordinator is in prestart: only the prestart gate is open.",
        ],
        scene: "init=prestart-ephemeral,pending&web=main,pending&cleanup=poststop,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `init` running, then dead (it exited 0): the main gate opens and the prestart gate closes.",
                acts: &[report("init", RUNNING), report("init", DEAD)],
                expect: Expect { phase: Phase::Main, open: &[Main], closed: &[PrestartEphemeral], tasks: &[] },
            },
            TryIt {
                says: "Report `web` dead: every task but poststop is dead, so the coordinator jumps straight to poststop and only `cleanup`'s gate is open.",
                acts: &[report("web", DEAD)],
                expect: Expect { phase: Phase::Poststop, open: &[Poststop], closed: &[Main], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "init-task",
        title: "An init task that must finish before main",
        text: &[
            "A task with `lifecycle { hook = \"prestart\" }` and no sidecar flag is an ephemeral prestart task: a database migration, a config render, a file download. It runs first, and the main tasks may start only once it has exited successfully.",
            "Running is not enough: while `migrate` runs, `web`'s runner keeps waiting. If `migrate` fails, it is restarted under the group's restart policy, and the main gate stays shut.",
        ],
        scene: "migrate=prestart-ephemeral,pending&web=main,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `migrate` running: the coordinator stays in prestart and `web` still waits.",
                acts: &[report("migrate", RUNNING)],
                expect: Expect { phase: Phase::Prestart, open: &[PrestartEphemeral], closed: &[Main], tasks: &[("migrate", RUNNING)] },
            },
            TryIt {
                says: "Report `migrate` dead (exit 0): the main gate opens, and the prestart gate closes behind it.",
                acts: &[report("migrate", DEAD)],
                expect: Expect { phase: Phase::Main, open: &[Main], closed: &[PrestartEphemeral], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "sidecar",
        title: "A proxy that must be running before main",
        text: &[
            "Add `sidecar = true` to a prestart task and it becomes a prestart sidecar: it starts first and keeps running beside the main tasks, like a service-mesh proxy. The main gate opens as soon as every prestart sidecar is running; it does not wait for them to end.",
            "A sidecar is never what keeps the allocation alive: once every main task is dead, Nomad's alloc runner kills the sidecars that are left (\"Main Tasks Dead\").",
        ],
        scene: "proxy=prestart-sidecar,pending&web=main,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `proxy` running: the main gate opens while the prestart sidecar gate stays open.",
                acts: &[report("proxy", RUNNING)],
                expect: Expect { phase: Phase::Main, open: &[PrestartSidecar, Main], closed: &[], tasks: &[] },
            },
            TryIt {
                says: "Report `web` running, then dead; then apply what the alloc runner would now do (kill the proxy): the group is over.",
                acts: &[report("web", RUNNING), report("web", DEAD), Act::Apply],
                expect: Expect { phase: Phase::Poststop, open: &[], closed: &[PrestartSidecar, Main], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "poststart",
        title: "Poststart: a cache warmer and a log shipper",
        text: &[
            "A poststart task starts once every main task has started (running, or already finished). Without the sidecar flag it runs once, like a cache warm-up; with it, it runs until the end, like a log shipper.",
            "When the ephemeral poststart tasks are dead, the coordinator moves to wait_alloc: it has nothing left to start until everything else is dead.",
        ],
        scene: "web=main,pending&warm-cache=poststart-ephemeral,pending&log-shipper=poststart-sidecar,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `web` running: both poststart gates open.",
                acts: &[report("web", RUNNING)],
                expect: Expect { phase: Phase::Poststart, open: &[Main, PoststartEphemeral, PoststartSidecar], closed: &[], tasks: &[] },
            },
            TryIt {
                says: "Report `warm-cache` running, then dead: wait_alloc, where the shipper keeps its gate.",
                acts: &[report("warm-cache", RUNNING), report("warm-cache", DEAD)],
                expect: Expect { phase: Phase::WaitAlloc, open: &[Main, PoststartSidecar], closed: &[PoststartEphemeral], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "poststop",
        title: "Poststop cleanup runs after everything else is dead",
        text: &[
            "A poststop task waits until every other task of the group is dead, then runs: a cleanup, a final upload, a notification.",
            "It does not matter how they died. A failed main task ends the allocation as surely as a successful one, and the poststop gate opens either way.",
        ],
        scene: "web=main,pending&cleanup=poststop,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `web` running: with no poststart task the coordinator passes poststart and waits in wait_alloc; `cleanup` waits.",
                acts: &[report("web", RUNNING)],
                expect: Expect { phase: Phase::WaitAlloc, open: &[Main], closed: &[Poststop], tasks: &[] },
            },
            TryIt {
                says: "Report `web` failed: the allocation is done, and `cleanup`'s gate opens.",
                acts: &[report("web", FAILED)],
                expect: Expect { phase: Phase::Poststop, open: &[Poststop], closed: &[Main], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "prestart-fails",
        title: "A prestart task that fails",
        text: &[
            "When a task exits with an error, its restart policy decides: a service job's default tries twice more within 30 minutes, 15 seconds apart, and then gives up (\"Not Restarting\"), and the task is dead and failed.",
            "A failed prestart task never opens the main gate. Instead Nomad's alloc runner sees a failed sibling and kills every task still alive (\"Sibling Task Failed\"); once they are dead, the poststop tasks run. Run mode's preset \"Init exhausts its attempts\" shows it over time.",
        ],
        scene: "init=prestart-ephemeral,pending&proxy=prestart-sidecar,pending&web=main,pending&cleanup=poststop,pending",
        over_time: Some("init-exhausted"),
        steps: &[
            TryIt {
                says: "Report `proxy` running and `init` failed (its attempts are used up): the main gate stays shut.",
                acts: &[report("proxy", RUNNING), report("init", FAILED)],
                expect: Expect { phase: Phase::Prestart, open: &[PrestartSidecar], closed: &[Main, Poststop], tasks: &[("init", FAILED)] },
            },
            TryIt {
                says: "Apply what the alloc runner would now do: it kills `proxy` and `web`, and `cleanup`'s gate opens.",
                acts: &[Act::Apply],
                expect: Expect { phase: Phase::Poststop, open: &[Poststop], closed: &[PrestartSidecar, Main], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "leader",
        title: "A leader task",
        text: &[
            "Mark a task `leader = true` and its death ends the group: when the leader is dead, Nomad's alloc runner kills every other live task (\"Leader Task Dead\"), the leader's siblings first and the sidecars last. It wins over a failed sibling as the reason.",
            "Here `web` is the leader and `worker` a second main task.",
        ],
        scene: "web=main,pending&worker=main,pending&cleanup=poststop,pending&~run=service,1&~t.0=1,5000,0,500:8000:0",
        over_time: None,
        steps: &[
            TryIt {
                says: "Report `web` and `worker` running.",
                acts: &[report("web", RUNNING), report("worker", RUNNING)],
                expect: Expect { phase: Phase::WaitAlloc, open: &[Main], closed: &[Poststop], tasks: &[] },
            },
            TryIt {
                says: "Report the leader `web` dead (exit 0) and apply the alloc runner's reaction: `worker` is killed and `cleanup` runs.",
                acts: &[report("web", DEAD), Act::Apply],
                expect: Expect { phase: Phase::Poststop, open: &[Poststop], closed: &[Main], tasks: &[] },
            },
        ],
    },
    Lesson {
        id: "restart",
        title: "nomad alloc restart, with and without -all-tasks",
        text: &[
            "`nomad alloc restart` restarts the tasks that are running, and only them; the coordinator is left alone, so each restarted task finds its gate as it was and starts again at once.",
            "`nomad alloc restart -all-tasks` also restarts the dead tasks, and first puts the coordinator back to init: every gate closes, and once every task is reported pending the lifecycle runs again from prestart.",
            "Here `init` has finished and `web` runs.",
        ],
        scene: "init=prestart-ephemeral,dead&web=main,running",
        over_time: None,
        steps: &[
            TryIt {
                says: "`nomad alloc restart`: report `web` pending (it is restarting). The coordinator stays in wait_alloc and the main gate stays open.",
                acts: &[report("web", PENDING)],
                expect: Expect { phase: Phase::WaitAlloc, open: &[Main], closed: &[PrestartEphemeral], tasks: &[("web", PENDING)] },
            },
            TryIt {
                says: "`-all-tasks`: press Restart (back to init, every gate closed), then All pending: `init` runs first again.",
                acts: &[Act::Restart, Act::AllPending],
                expect: Expect { phase: Phase::Prestart, open: &[PrestartEphemeral], closed: &[Main], tasks: &[("init", PENDING), ("web", PENDING)] },
            },
        ],
    },
    Lesson {
        id: "restore",
        title: "A client restart: restore skips init",
        text: &[
            "When the Nomad client restarts, it finds its allocations' tasks already running. It must not wait for every task to be reported pending again, so it restores the coordinator instead: restore skips init and lets the phase follow from the states found.",
            "Try it against a restart, which sends the coordinator back to init.",
        ],
        scene: "init=prestart-ephemeral,dead&web=main,running&cleanup=poststop,pending",
        over_time: None,
        steps: &[
            TryIt {
                says: "Press Restart: the coordinator is in init and every gate is closed, though `web` still runs.",
                acts: &[Act::Restart],
                expect: Expect { phase: Phase::Init, open: &[], closed: &[PrestartEphemeral, Main, Poststop], tasks: &[] },
            },
            TryIt {
                says: "Press Restore: it skips init and settles in wait_alloc, with the main gate open for the running `web`.",
                acts: &[Act::Restore],
                expect: Expect { phase: Phase::WaitAlloc, open: &[Main], closed: &[Poststop], tasks: &[] },
            },
        ],
    },
];
