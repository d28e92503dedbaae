//! Coordinator behaviour beyond the traces: shutdown, restore, explain, the
//! FSM view, the testing helpers.

use std::time::Duration;

use tasklifecycle::testing::{require_task_allowed, require_task_blocked, wait_not_init_until};
use tasklifecycle::{Coordinator, Phase, Shutdown, Slack, Stage, TaskSpec, TaskState};

fn group() -> Coordinator {
    Coordinator::new([
        TaskSpec::prestart("init"),
        TaskSpec::prestart_sidecar("proxy"),
        TaskSpec::main("web"),
        TaskSpec::poststart("warm"),
        TaskSpec::poststart_sidecar("logs"),
        TaskSpec::poststop("cleanup"),
    ])
    .unwrap()
}

fn all_pending(c: &Coordinator) {
    let names: Vec<String> = c.tasks().iter().map(|t| t.name.clone()).collect();
    c.task_state_updated(names.iter().map(|n| (n, TaskState::pending())))
        .unwrap();
}

#[test]
fn shutdown_fails_every_wait_and_freezes_gates() {
    let c = group();
    all_pending(&c);
    let pending_web = c.start_condition_for_task("web").unwrap();
    c.shutdown();
    assert!(c.is_shut_down());
    assert_eq!(futures_executor::block_on(pending_web), Err(Shutdown));
    assert_eq!(
        futures_executor::block_on(c.start_condition_for_task("init").unwrap()),
        Err(Shutdown)
    );
    // The phase still follows updates, but no gate opens.
    c.set_task_state("init", TaskState::dead()).unwrap();
    c.set_task_state("proxy", TaskState::running()).unwrap();
    assert_eq!(c.phase(), Phase::Main);
    assert!(!c.is_allowed("web").unwrap());
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator was shut down"
    );
}

#[test]
fn restore_skips_init_for_running_tasks() {
    let c = group();
    let t = c
        .restore([
            ("init", TaskState::dead()),
            ("proxy", TaskState::running()),
            ("web", TaskState::running()),
            ("warm", TaskState::running()),
            ("logs", TaskState::running()),
            ("cleanup", TaskState::pending()),
        ])
        .unwrap()
        .unwrap();
    assert_eq!((t.from, t.to), (Phase::Init, Phase::Poststart));
    require_task_allowed(&c, "web");
    require_task_allowed(&c, "logs");
    require_task_blocked(&c, "init");
    require_task_blocked(&c, "cleanup");
}

#[test]
fn restart_closes_everything_until_all_pending_again() {
    let c = group();
    all_pending(&c);
    c.set_task_state("init", TaskState::running()).unwrap();
    let t = c.restart().unwrap();
    assert_eq!(
        t.closed.iter().collect::<Vec<_>>(),
        [Stage::PrestartEphemeral, Stage::PrestartSidecar]
    );
    assert_eq!(c.phase(), Phase::Init);
    c.set_task_state("proxy", TaskState::pending()).unwrap();
    assert_eq!(c.phase(), Phase::Init, "init is still reported running");
    c.set_task_state("init", TaskState::pending()).unwrap();
    assert_eq!(c.phase(), Phase::Prestart);
}

#[test]
fn explain_says_why_for_each_reason() {
    let c = group();
    // Every task starts pending, so init's rule is met before any report:
    // it fires at the first one.
    let met = "waiting for the next report of task states, as every task meets the rule";
    assert_eq!(
        c.explain("init").unwrap(),
        format!("init is blocked: the coordinator is in init, {met}")
    );
    c.set_task_state("web", TaskState::running()).unwrap();
    assert_eq!(
        c.explain("init").unwrap(),
        "init is blocked: the coordinator is in init, waiting for main task `web` to be reported pending"
    );
    all_pending(&c);
    assert_eq!(
        c.explain("init").unwrap(),
        "init may start: the coordinator is in prestart, which opens the prestart-ephemeral gate"
    );
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator is in prestart, waiting for prestart task `init` to finish successfully and prestart sidecar `proxy` to be running"
    );
    c.set_task_state("init", TaskState::failed()).unwrap();
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator is in prestart, waiting for prestart task `init` to finish successfully (it failed: this gate stays shut, and Nomad's alloc runner kills the live tasks so that poststop runs) and prestart sidecar `proxy` to be running"
    );
    c.task_state_updated([("init", TaskState::dead()), ("proxy", TaskState::running())])
        .unwrap();
    assert_eq!(c.phase(), Phase::Main);
    assert_eq!(
        c.explain("warm").unwrap(),
        "warm is blocked: the coordinator is in main, waiting for main task `web` to start"
    );
    assert_eq!(
        c.explain("init").unwrap(),
        "init is blocked: the coordinator is in main: prestart-ephemeral tasks only start in prestart, which is over"
    );
    assert_eq!(
        c.explain("cleanup").unwrap(),
        "cleanup is blocked: the coordinator is in main, and poststop tasks wait until every other task is dead: waiting for prestart sidecar `proxy` to finish, main task `web` to finish, poststart task `warm` to finish and 1 more"
    );
    c.task_state_updated([("web", TaskState::running()), ("warm", TaskState::dead())])
        .unwrap();
    assert_eq!(c.phase(), Phase::WaitAlloc);
    assert!(c
        .explain("warm")
        .unwrap()
        .contains("poststart-ephemeral tasks only start in poststart, which is over"));
    c.task_state_updated(["proxy", "web", "logs"].map(|n| (n, TaskState::dead())))
        .unwrap();
    assert_eq!(c.phase(), Phase::Poststop);
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator is in poststop: every non-poststop task is dead, so only poststop tasks may run"
    );
    // After a restart nothing moves until the next report, even when the
    // rule out of init, or the one into poststop, is already met.
    c.restart();
    assert_eq!(
        c.explain("cleanup").unwrap(),
        format!("cleanup is blocked: the coordinator is in init, and poststop tasks wait until every other task is dead: {met}")
    );
    all_pending(&c);
    c.restart();
    assert_eq!(
        c.explain("web").unwrap(),
        format!("web is blocked: the coordinator is in init, {met}")
    );
    assert!(c
        .explain("nobody")
        .unwrap_err()
        .to_string()
        .contains("`nobody`"));
}

#[test]
fn next_transitions_check_each_requirement() {
    let c = group();
    all_pending(&c);
    c.set_task_state("proxy", TaskState::running()).unwrap();
    let checks = c.next_transitions();
    assert_eq!(
        checks.iter().map(|r| r.to).collect::<Vec<_>>(),
        [Phase::Main, Phase::Poststop]
    );
    let prestart = &checks[0];
    assert!(!prestart.met);
    assert_eq!(
        prestart.requirements[0].says,
        "every prestart ephemeral task is successful"
    );
    assert!(!prestart.requirements[0].met);
    assert_eq!(prestart.requirements[0].tasks[0].name, "init");
    assert!(prestart.requirements[1].met);
    let alloc_done = &checks[1];
    assert_eq!(
        alloc_done.requirements[0].tasks.len(),
        5,
        "every task but the poststop one"
    );
    c.task_state_updated(["init", "proxy", "web", "warm", "logs"].map(|n| (n, TaskState::dead())))
        .unwrap();
    assert!(c.next_transitions().is_empty(), "poststop is terminal");
}

#[test]
fn testing_helpers_mirror_nomad() {
    let c = group();
    require_task_blocked(&c, "init");
    let mut timed_out = false;
    wait_not_init_until(&c, Duration::from_millis(20), || timed_out = true);
    assert!(timed_out);
    all_pending(&c);
    let mut timed_out = false;
    wait_not_init_until(&c, Duration::from_secs(5), || timed_out = true);
    assert!(!timed_out);
    require_task_allowed(&c, "init");
}

#[test]
#[should_panic(expected = "task `web` should be allowed to start: web is blocked")]
fn require_task_allowed_fails_on_a_blocked_task() {
    require_task_allowed(&group(), "web");
}

#[test]
#[should_panic(expected = "task `init` should be blocked")]
fn require_task_blocked_fails_on_an_allowed_task() {
    let c = group();
    all_pending(&c);
    require_task_blocked(&c, "init");
}

#[test]
fn validate_tasks_agrees_with_new() {
    use tasklifecycle::validate_tasks;
    let good = [TaskSpec::prestart("init"), TaskSpec::main("web")];
    assert_eq!(validate_tasks(&good), Ok(()));
    let empty = [TaskSpec::main("web"), TaskSpec::poststop("")];
    let dup = [TaskSpec::main("web"), TaskSpec::prestart("web")];
    for bad in [&empty[..], &dup[..]] {
        let err = validate_tasks(bad).unwrap_err();
        assert_eq!(Some(err), Coordinator::new(bad.iter().cloned()).err());
    }
}

#[test]
#[cfg(feature = "subscribe")]
fn subscribers_hear_transitions_in_the_order_they_happened() {
    // Two threads race, each reporting `web` pending (init → main) and
    // restarting (main → init) in turn. Every event must start where the one
    // before it ended, however the threads interleave.
    use std::sync::{Arc, Mutex};
    let c = Arc::new(Coordinator::new([TaskSpec::main("web")]).unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    c.subscribe(move |event| {
        // Widen the window in which a reordering could happen.
        std::thread::yield_now();
        let t = event.transition;
        sink.lock().unwrap().push((t.from, t.to));
    });
    let start = Arc::new(std::sync::Barrier::new(2));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (c, start) = (Arc::clone(&c), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..2_000 {
                    c.set_task_state("web", TaskState::pending()).unwrap();
                    c.restart();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 10, "only {} transitions", seen.len());
    let mut at = Phase::Init;
    for (k, &(from, to)) in seen.iter().enumerate() {
        assert_eq!(
            from, at,
            "event {k} starts at {from}, but the one before ended at {at}"
        );
        at = to;
    }
    assert_eq!(at, c.phase());
}

#[test]
#[cfg(feature = "subscribe")]
fn a_listener_that_updates_hears_its_own_event_after_it_returns() {
    use std::sync::{Arc, Mutex};
    let c = Arc::new(Coordinator::new([TaskSpec::main("web")]).unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (sink, back) = (Arc::clone(&seen), Arc::clone(&c));
    c.subscribe(move |event| {
        let t = event.transition;
        sink.lock()
            .unwrap()
            .push(format!("{}→{} begins", t.from, t.to));
        if t.to == Phase::Main {
            back.restart(); // re-entrant: queued, delivered after this returns
        }
        sink.lock()
            .unwrap()
            .push(format!("{}→{} ends", t.from, t.to));
    });
    c.set_task_state("web", TaskState::pending()).unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "init→main begins",
            "init→main ends",
            "main→init begins",
            "main→init ends"
        ]
    );
}

/// Every bound of `limits.rs` the core enforces, at and just past the limit.
#[test]
fn groups_and_names_past_the_limits_are_refused_by_name() {
    use tasklifecycle::limits::{MAX_NAME_BYTES, MAX_TASKS};
    use tasklifecycle::Error;
    let names = |n: usize| (0..n).map(|i| TaskSpec::main(format!("t{i}")));
    assert_eq!(
        Coordinator::new(names(MAX_TASKS)).unwrap().tasks().len(),
        MAX_TASKS
    );
    let err = Coordinator::new(names(MAX_TASKS + 1)).err().unwrap();
    assert!(
        matches!(err, Error::OutOfRange { input: "tasks", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("at most 10000 tasks"), "{err}");

    let longest = "a".repeat(MAX_NAME_BYTES);
    assert!(Coordinator::new([TaskSpec::main(longest.clone())]).is_ok());
    let err = Coordinator::new([TaskSpec::main("ok"), TaskSpec::main(longest + "b")])
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::OutOfRange {
                input: "task name",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("task #1's name"), "{err}");
    assert!(err.to_string().contains("256 bytes long"), "{err}");
    assert!(
        err.to_string().len() < 200,
        "a long name is quoted in part: {err}"
    );
    // Multi-byte characters are cut on a character boundary.
    let wide = "é".repeat(MAX_NAME_BYTES);
    let err = Coordinator::new([TaskSpec::main(wide)]).err().unwrap();
    assert!(
        err.to_string().contains(&format!("`{}…`", "é".repeat(40))),
        "{err}"
    );

    // An unknown name of a megabyte is quoted in part, and changes nothing.
    let c = group();
    let huge = "x".repeat(1 << 20);
    let err = c.set_task_state(&huge, TaskState::running()).unwrap_err();
    assert!(matches!(err, Error::UnknownTask { .. }));
    assert!(err.to_string().len() < 100, "{}", err.to_string().len());
    assert_eq!(c.phase(), Phase::Init);
}

/// Sharpened by mutation testing: accessors and bookkeeping that no
/// behaviour test looked at directly.
#[test]
fn accessors_report_what_the_coordinator_holds() {
    let c = group();
    let present: Vec<Stage> = c.stages().iter().collect();
    assert_eq!(present, Stage::ALL, "every stage has a task in this group");
    let main_only = Coordinator::new([TaskSpec::main("web")]).unwrap();
    assert_eq!(main_only.stages().iter().collect::<Vec<_>>(), [Stage::Main]);

    all_pending(&c);
    c.set_task_state("init", TaskState::dead()).unwrap();
    let mut want = vec![TaskState::pending(); 6];
    want[0] = TaskState::dead();
    assert_eq!(c.task_states(), want);

    let debug = format!("{c:?}");
    assert!(debug.starts_with("Coordinator"), "{debug}");
    assert!(
        debug.contains("phase: Prestart") && debug.contains("\"cleanup\""),
        "{debug}"
    );

    // Positions are checked: one past the end is refused, and changes nothing.
    let err = c
        .task_state_updated_by_index([(6, TaskState::running())])
        .unwrap_err();
    assert_eq!(
        err,
        tasklifecycle::Error::TaskIndexOutOfRange { index: 6, tasks: 6 }
    );
    assert!(c.restore_by_index([(6, TaskState::running())]).is_err());
    assert!(c
        .task_state_updated_by_index([(5, TaskState::pending())])
        .is_ok());
}

#[test]
#[cfg(feature = "subscribe")]
fn a_listener_that_panics_does_not_silence_later_events() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let c = Coordinator::new([TaskSpec::main("web")]).unwrap();
    let heard = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&heard);
    c.subscribe(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the first event panics");
        }
    });
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        c.set_task_state("web", TaskState::pending()).unwrap();
    }));
    assert!(first.is_err());
    assert_eq!(c.phase(), Phase::Main, "the update itself happened");
    c.set_task_state("web", TaskState::dead()).unwrap();
    assert_eq!(
        heard.load(Ordering::SeqCst),
        2,
        "the next event is still delivered"
    );
}

/// Prestart tasks `a`, `b` and `c`, and a main task `web`.
fn three_prestart_tasks_and_web() -> Coordinator {
    Coordinator::new([
        TaskSpec::prestart("a"),
        TaskSpec::prestart("b"),
        TaskSpec::prestart("c"),
        TaskSpec::main("web"),
    ])
    .unwrap()
}

#[test]
fn slack_counts_the_changes_each_rule_needs() {
    // Key bits in prestart: alloc done (every non-poststop task dead), then
    // prestart done's two (prestart tasks successful, sidecars running).
    const NONE: u32 = u32::MAX;
    let slack = |changes| Slack { changes };
    let c = three_prestart_tasks_and_web();
    // Init's exit rule (every task pending) holds: the next update moves it.
    assert_eq!(c.slack(), slack([3, 0, NONE]));
    c.task_state_updated(Vec::<(String, TaskState)>::new())
        .unwrap();
    // prestart → main needs three prestart tasks to succeed; alloc done four deaths.
    assert_eq!(c.slack(), slack([3, 2, NONE]));
    c.set_task_state("a", TaskState::running()).unwrap();
    assert_eq!(
        c.slack(),
        slack([3, 2, NONE]),
        "running is no nearer either"
    );
    c.set_task_state("a", TaskState::dead()).unwrap();
    c.set_task_state("b", TaskState::failed()).unwrap();
    assert_eq!(
        c.slack(),
        slack([1, 1, NONE]),
        "b and c to succeed; c and web to die"
    );
    c.set_task_state("b", TaskState::dead()).unwrap();
    assert_eq!(c.slack(), slack([1, 0, NONE]), "c's success moves it");
    assert_eq!(
        c.set_task_state("c", TaskState::dead())
            .unwrap()
            .unwrap()
            .to,
        Phase::Main
    );
    c.set_task_state("web", TaskState::dead()).unwrap();
    assert_eq!(c.phase(), Phase::Poststop);
    assert_eq!(c.slack(), Slack::UNBOUNDED, "nothing leaves poststop");
}

#[test]
fn slack_watches_each_rules_worst_requirement() {
    let c = Coordinator::new([
        TaskSpec::prestart_sidecar("s1"),
        TaskSpec::prestart_sidecar("s2"),
        TaskSpec::prestart("a"),
        TaskSpec::main("web"),
    ])
    .unwrap();
    c.task_state_updated(Vec::<(String, TaskState)>::new())
        .unwrap();
    // Two sidecars to run are more than one task to succeed: prestart
    // done watches its sidecar bit; alloc done (four deaths) its own.
    let mut slack = c.slack();
    assert_eq!(
        slack,
        Slack {
            changes: [3, u32::MAX, 1]
        }
    );
    let key = |stage, state| Phase::Prestart.key(stage, state);
    let (pending, running, dead) = (
        TaskState::pending(),
        TaskState::running(),
        TaskState::dead(),
    );
    let mut spend = |stage, from, to| slack.spend(key(stage, from), key(stage, to));
    assert!(spend(Stage::PrestartEphemeral, pending, running));
    assert!(
        spend(Stage::PrestartEphemeral, running, dead),
        "a death spends alloc done's slack only"
    );
    assert!(spend(Stage::PrestartSidecar, pending, running));
    assert!(
        spend(Stage::PrestartSidecar, running, pending),
        "a sidecar stopping takes prestart done further away"
    );
    assert!(
        !spend(Stage::PrestartSidecar, pending, running),
        "the second sidecar running may move it"
    );
    assert_eq!(slack.changes, [2, u32::MAX, 0]);
    c.set_task_state("s1", running).unwrap();
    assert_eq!(
        c.slack(),
        Slack {
            changes: [3, 0, u32::MAX]
        },
        "a tie: the first of the worst"
    );
}

/// Sharpened by mutation testing: the words `explain` uses, exactly.
#[test]
fn explanations_name_what_is_missing_and_nothing_else() {
    let c = three_prestart_tasks_and_web();
    assert!(!c.is_shut_down());
    c.task_state_updated([
        ("a", TaskState::pending()),
        ("b", TaskState::pending()),
        ("c", TaskState::pending()),
        ("web", TaskState::pending()),
    ])
    .unwrap();
    // Exactly three unmet: all named, no "0 more", no failure note.
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator is in prestart, waiting for prestart task `a` to finish successfully, prestart task `b` to finish successfully and prestart task `c` to finish successfully"
    );
    c.set_task_state("a", TaskState::failed()).unwrap();
    assert!(c
        .explain("web")
        .unwrap()
        .contains("prestart task `a` to finish successfully (it failed: this gate stays shut, and Nomad's alloc runner kills the live tasks so that poststop runs), prestart task `b`"));
    c.shutdown();
    assert!(c.is_shut_down());

    // A dead sidecar that did not fail is waited on, with no failure note.
    let c = Coordinator::new([TaskSpec::prestart_sidecar("proxy"), TaskSpec::main("web")]).unwrap();
    c.task_state_updated([
        ("proxy", TaskState::pending()),
        ("web", TaskState::pending()),
    ])
    .unwrap();
    c.set_task_state("proxy", TaskState::dead()).unwrap();
    assert_eq!(
        c.explain("web").unwrap(),
        "web is blocked: the coordinator is in prestart, waiting for prestart sidecar `proxy` to be running"
    );
}

#[test]
fn model_values_print_as_nomad_spells_them() {
    use tasklifecycle::{Hook, StageSet, Status};
    assert_eq!(Hook::Prestart.to_string(), "prestart");
    assert_eq!(Hook::Empty.to_string(), "");
    assert_eq!(Status::Running.to_string(), "running");
    assert_eq!(TaskState::failed().to_string(), "dead (failed)");
    assert_eq!(TaskState::running().to_string(), "running");
    let set: StageSet = [Stage::Main, Stage::Poststop].into_iter().collect();
    assert_eq!((set.len(), set.is_empty()), (2, false));
    assert_eq!(set.bits(), 0b10_0100);
    assert_eq!(format!("{set:?}"), "{Main, Poststop}");
    assert!(StageSet::EMPTY.is_empty());
}
