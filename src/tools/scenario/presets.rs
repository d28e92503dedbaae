//! The ready-made scenarios the playground offers, the default first.

use super::{RunSpec, Scenario};
use crate::model::{Stage, TaskSpec};
use crate::tools::sim::restarts::JobType;
use crate::tools::sim::{Behaviour, Run};

/// A ready-made scenario the playground offers.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    /// What the preset shows, in one sentence.
    pub about: &'static str,
    pub tasks: &'static [(&'static str, Stage)],
    /// A scene about time: how the tasks run (the playground opens it in run mode).
    pub run: Option<PresetRun>,
}

/// How a preset's tasks run: the job type, and scripts of runs for some tasks
/// (by position; the others behave as is typical for their stage).
#[derive(Debug, Clone, Copy)]
pub struct PresetRun {
    pub job_type: JobType,
    pub scripts: &'static [(usize, &'static [Run])],
}

impl Preset {
    /// The preset's tasks, all pending (and, for a scene about time, how
    /// they run).
    pub fn scenario(&self) -> Scenario {
        let mut scenario = Scenario::pending(self.tasks.iter().copied());
        scenario.run = self.run.map(|run| RunSpec {
            job_type: run.job_type,
            seed: None,
            restart: None,
            behaviours: self.behaviours(),
            max_run_duration_ms: None,
        });
        scenario
    }

    /// Whether `tasks` is this preset's task group, name for name and stage
    /// for stage (compared in place: the playground asks on every render).
    pub fn is_group(&self, tasks: &[TaskSpec]) -> bool {
        self.tasks.len() == tasks.len()
            && self
                .tasks
                .iter()
                .zip(tasks)
                .all(|(&(name, stage), task)| task.name == name && task.stage() == stage)
    }

    /// Each task's behaviour in run mode: its script if the preset gives one,
    /// the typical behaviour of its stage otherwise.
    pub fn behaviours(&self) -> Vec<Behaviour> {
        let scripts = self.run.map_or(&[][..], |r| r.scripts);
        self.tasks
            .iter()
            .enumerate()
            .map(|(i, &(_, stage))| {
                let mut behaviour = Behaviour::typical(stage);
                if let Some((_, runs)) = scripts.iter().find(|(t, _)| *t == i) {
                    behaviour.runs = runs.to_vec();
                }
                behaviour
            })
            .collect()
    }

    /// The preset with this id.
    pub fn find(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }
}

use Stage::{
    Main, PoststartEphemeral, PoststartSidecar, Poststop, PrestartEphemeral, PrestartSidecar,
};

/// The presets, the default (`full`) first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "full",
        title: "Every hook",
        about: "An init task, a proxy sidecar, two main tasks, a warm-up, a log shipper and a cleanup: every gate at work.",
        tasks: &[
            ("init", PrestartEphemeral),
            ("proxy", PrestartSidecar),
            ("web", Main),
            ("api", Main),
            ("warm-cache", PoststartEphemeral),
            ("log-shipper", PoststartSidecar),
            ("cleanup", Poststop),
        ],
        run: None,
    },
    Preset {
        id: "main-only",
        title: "Only a main task",
        about: "No lifecycle block at all: the main gate opens as soon as the task is pending.",
        tasks: &[("web", Main)],
        run: None,
    },
    Preset {
        id: "init",
        title: "Prestart init + main",
        about: "A migration must exit successfully before the main task may start.",
        tasks: &[("migrate", PrestartEphemeral), ("web", Main)],
        run: None,
    },
    Preset {
        id: "service-mesh",
        title: "Sidecar proxy + main",
        about: "Service-mesh style: the proxy sidecar must be running before the main task starts, and keeps running beside it.",
        tasks: &[("connect-proxy", PrestartSidecar), ("web", Main)],
        run: None,
    },
    Preset {
        id: "poststart",
        title: "Main + poststart tasks",
        about: "A log shipper sidecar and a cache warm-up start once the main task has started.",
        tasks: &[
            ("web", Main),
            ("log-shipper", PoststartSidecar),
            ("warm-cache", PoststartEphemeral),
        ],
        run: None,
    },
    Preset {
        id: "poststop",
        title: "Main + poststop cleanup",
        about: "The cleanup task waits until every other task is dead.",
        tasks: &[("batch", Main), ("cleanup", Poststop)],
        run: None,
    },
    Preset {
        id: "flaky-init",
        title: "Init fails twice, then succeeds",
        about: "A service job's migration fails twice; Nomad's restart policy retries it after a jittered delay each time, and the main task starts once it succeeds.",
        tasks: &[("migrate", PrestartEphemeral), ("web", Main)],
        run: Some(PresetRun {
            job_type: JobType::Service,
            scripts: &[
                (
                    0,
                    &[
                        Run::exits(500, Some(2_000), 1),
                        Run::exits(500, Some(2_000), 1),
                        Run::exits(500, Some(2_000), 0),
                    ],
                ),
                (1, &[Run::exits(500, None, 0)]),
            ],
        }),
    },
    Preset {
        id: "service-exit-0",
        title: "Service task exits 0",
        about: "In a service job a main task that exits successfully is still restarted; once its attempts run out it fails, with no failed exit at all.",
        tasks: &[("web", Main)],
        run: Some(PresetRun {
            job_type: JobType::Service,
            scripts: &[(0, &[Run::exits(500, Some(5_000), 0)])],
        }),
    },
    Preset {
        id: "init-exhausted",
        title: "Init exhausts its attempts",
        about: "A migration that always fails is retried twice, then Nomad gives up: its siblings are killed, the cleanup task runs, and the allocation fails.",
        tasks: &[("migrate", PrestartEphemeral), ("proxy", PrestartSidecar), ("web", Main), ("cleanup", Poststop)],
        run: Some(PresetRun {
            job_type: JobType::Service,
            scripts: &[(0, &[Run::exits(500, Some(2_000), 1)])],
        }),
    },
];

/// The preset shown by default, and instead of a bad share link.
pub fn default_preset() -> &'static Preset {
    &PRESETS[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskSpec;
    use crate::Coordinator;

    #[test]
    fn every_preset_is_a_valid_group_with_a_unique_id() {
        assert!(PRESETS.len() >= 5);
        for preset in PRESETS {
            let scenario = preset.scenario();
            assert!(
                Coordinator::new(scenario.tasks.clone()).is_ok(),
                "{}",
                preset.id
            );
            assert!(scenario.all_pending());
            assert_eq!(Preset::find(preset.id).map(|p| p.id), Some(preset.id));
            for (name, stage) in preset.tasks {
                assert_eq!(TaskSpec::in_stage(*name, *stage).stage(), *stage);
            }
        }
        assert_eq!(default_preset().id, "full");
        for preset in PRESETS {
            assert_eq!(preset.behaviours().len(), preset.tasks.len());
        }
    }

    #[test]
    fn a_group_is_its_preset_until_edited() {
        let preset = Preset::find("init").unwrap();
        let mut tasks = preset.scenario().tasks;
        assert!(preset.is_group(&tasks));
        assert!(
            Preset::find("flaky-init").unwrap().is_group(&tasks),
            "same task list"
        );
        assert!(!Preset::find("main-only").unwrap().is_group(&tasks));
        tasks[0] = TaskSpec::main("migrate");
        assert!(!preset.is_group(&tasks), "a changed stage");
        tasks.truncate(1);
        assert!(!preset.is_group(&tasks));
    }
}
