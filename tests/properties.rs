//! Property tests: random task groups and call sequences against a small,
//! deliberately naive model written straight from SPEC.md's rules; and random
//! input that must produce errors, never panics.

use proptest::prelude::*;
use tasklifecycle::{
    Coordinator, Gate, Hook, Lifecycle, Phase, Stage, Status, TaskSpec, TaskState,
};

/// SPEC's stage table, written out again on purpose.
fn spec_stage(lifecycle: Option<Lifecycle>) -> Stage {
    match lifecycle {
        None => Stage::Main,
        Some(l) if l.hook == Hook::Empty => Stage::Main,
        Some(l) if l.hook == Hook::Poststop => Stage::Poststop,
        Some(l) if l.hook == Hook::Prestart && l.sidecar => Stage::PrestartSidecar,
        Some(l) if l.hook == Hook::Prestart => Stage::PrestartEphemeral,
        Some(l) if l.sidecar => Stage::PoststartSidecar,
        Some(_) => Stage::PoststartEphemeral,
    }
}

/// SPEC's phase → open gates table, written out again on purpose.
fn spec_open(phase: Phase, stage: Stage) -> bool {
    use Stage::*;
    let open: &[Stage] = match phase {
        Phase::Init => &[],
        Phase::Prestart => &[PrestartEphemeral, PrestartSidecar],
        Phase::Main => &[PrestartSidecar, Main],
        Phase::Poststart => &[PrestartSidecar, Main, PoststartEphemeral, PoststartSidecar],
        Phase::WaitAlloc => &[PrestartSidecar, Main, PoststartSidecar],
        Phase::Poststop => &[Poststop],
    };
    open.contains(&stage)
}

struct Model {
    stages: Vec<Stage>,
    states: Vec<TaskState>,
    phase: Phase,
}

impl Model {
    fn all(&self, pred: impl Fn(Stage, TaskState) -> bool) -> bool {
        self.stages
            .iter()
            .zip(&self.states)
            .all(|(&s, &t)| pred(s, t))
    }

    fn has(&self, stages: &[Stage]) -> bool {
        self.stages.iter().any(|s| stages.contains(s))
    }

    /// SPEC's numbered rules, in order.
    fn next(&self) -> Phase {
        let dead = |t: TaskState| t.state == Status::Dead;
        if self.all(|s, t| s == Stage::Poststop || dead(t)) {
            return Phase::Poststop;
        }
        match self.phase {
            Phase::Init if self.all(|_, t| t.state == Status::Pending) => Phase::Prestart,
            Phase::Prestart
                if !self.has(&[Stage::PrestartEphemeral, Stage::PrestartSidecar])
                    || self.all(|s, t| match s {
                        Stage::PrestartEphemeral => dead(t) && !t.failed,
                        Stage::PrestartSidecar => t.state == Status::Running,
                        _ => true,
                    }) =>
            {
                Phase::Main
            }
            Phase::Main
                if !self.has(&[Stage::Main])
                    || self.all(|s, t| s != Stage::Main || t.state != Status::Pending) =>
            {
                Phase::Poststart
            }
            Phase::Poststart
                if !self.has(&[Stage::PoststartEphemeral, Stage::PoststartSidecar])
                    || self.all(|s, t| s != Stage::PoststartEphemeral || dead(t)) =>
            {
                Phase::WaitAlloc
            }
            phase => phase,
        }
    }

    fn settle(&mut self) {
        loop {
            let next = self.next();
            if next == self.phase {
                return;
            }
            self.phase = next;
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Update(Vec<(usize, TaskState)>),
    Set(usize, TaskState),
    Restore(Vec<(usize, TaskState)>),
    Restart,
    Shutdown,
}

fn lifecycle() -> impl Strategy<Value = Option<Lifecycle>> {
    let hook = prop_oneof![
        Just(Hook::Empty),
        Just(Hook::Prestart),
        Just(Hook::Poststart),
        Just(Hook::Poststop)
    ];
    proptest::option::weighted(
        0.8,
        (hook, any::<bool>()).prop_map(|(hook, sidecar)| Lifecycle { hook, sidecar }),
    )
}

fn task_state() -> impl Strategy<Value = TaskState> {
    // Weighted toward what moves the FSM: pending, running, dead and clean exits.
    let status = prop_oneof![3 => Just(Status::Pending), 3 => Just(Status::Running), 3 => Just(Status::Dead)];
    (status, prop::bool::weighted(0.2)).prop_map(|(state, failed)| TaskState { state, failed })
}

fn op(tasks: usize) -> impl Strategy<Value = Op> {
    let batch = move || prop::collection::vec((0..tasks, task_state()), 0..=tasks * 2);
    prop_oneof![
        6 => batch().prop_map(Op::Update),
        4 => (0..tasks, task_state()).prop_map(|(i, s)| Op::Set(i, s)),
        1 => batch().prop_map(Op::Restore),
        1 => Just(Op::Restart),
        1 => Just(Op::Shutdown),
    ]
}

fn scenario() -> impl Strategy<Value = (Vec<Option<Lifecycle>>, Vec<Op>)> {
    prop::collection::vec(lifecycle(), 1..8).prop_flat_map(|lifecycles| {
        let n = lifecycles.len();
        (Just(lifecycles), prop::collection::vec(op(n), 0..40))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2_000)))]

    #[test]
    fn coordinator_agrees_with_the_spec_model((lifecycles, ops) in scenario()) {
        let specs: Vec<TaskSpec> = lifecycles.iter().enumerate()
            .map(|(i, l)| TaskSpec::new(format!("t{i}"), *l)).collect();
        let name = |i: usize| format!("t{i}");
        let c = Coordinator::new(specs.clone()).unwrap();
        let mut model = Model {
            stages: lifecycles.iter().map(|l| spec_stage(*l)).collect(),
            states: vec![TaskState::pending(); specs.len()],
            phase: Phase::Init,
        };
        let mut shut = false;
        for op in ops {
            let before = model.phase;
            let transition = match &op {
                Op::Update(batch) | Op::Restore(batch) => {
                    for &(i, s) in batch { model.states[i] = s; }
                    if matches!(op, Op::Restore(_)) { model.phase = Phase::Prestart; }
                    model.settle();
                    let batch: Vec<(String, TaskState)> = batch.iter().map(|&(i, s)| (name(i), s)).collect();
                    if matches!(op, Op::Restore(_)) { c.restore(batch).unwrap() } else { c.task_state_updated(batch).unwrap() }
                }
                Op::Set(i, s) => {
                    model.states[*i] = *s;
                    model.settle();
                    c.set_task_state(&name(*i), *s).unwrap()
                }
                Op::Restart => { model.phase = Phase::Init; c.restart() }
                Op::Shutdown => { shut = true; c.shutdown(); None }
            };
            prop_assert_eq!(c.phase(), model.phase, "after {:?}", op);
            match transition {
                Some(t) => {
                    prop_assert_eq!((t.from, t.to), (before, model.phase));
                    for stage in Stage::ALL {
                        let exists = model.stages.contains(&stage);
                        let moved = !shut && exists && spec_open(before, stage) != spec_open(model.phase, stage);
                        prop_assert_eq!(t.opened.contains(stage), moved && spec_open(model.phase, stage));
                        prop_assert_eq!(t.closed.contains(stage), moved && !spec_open(model.phase, stage));
                    }
                }
                None => prop_assert_eq!(before, model.phase),
            }
            for (i, &stage) in model.stages.iter().enumerate() {
                let want = !shut && spec_open(model.phase, stage);
                prop_assert_eq!(c.is_allowed(&name(i)).unwrap(), want, "t{} ({:?}) in {:?}", i, stage, model.phase);
                prop_assert_eq!(c.task_state(&name(i)).unwrap(), model.states[i]);
            }
        }
    }

    #[test]
    fn a_reset_coordinator_behaves_as_a_new_one(
        (lifecycles, before, after) in scenario().prop_flat_map(|(lifecycles, before)| {
            let n = lifecycles.len();
            (Just(lifecycles), Just(before), prop::collection::vec(op(n), 0..40))
        }),
        hold in 0..3u8,
    ) {
        let specs: Vec<TaskSpec> = lifecycles.iter().enumerate()
            .map(|(i, l)| TaskSpec::new(format!("t{i}"), *l)).collect();
        let mut reused = Coordinator::new(specs.clone()).unwrap();
        for op in &before { apply(&reused, op); }
        // Held across the reset: nothing (0), a gate handle and a wait on
        // it (1), or only the wait (2).
        let stage = reused.stages().iter().next().unwrap();
        let gate = reused.gate(stage).unwrap().clone();
        let (was_open, mut wait) = (gate.is_open(), gate.wait());
        let settled = wait.now().is_some();
        let gate = (hold == 1).then_some(gate);
        if hold == 0 { drop(wait); wait = Gate::new().wait(); }
        reused.reset();
        let fresh = Coordinator::new(specs.clone()).unwrap();
        prop_assert_eq!(reused.phase(), Phase::Init);
        prop_assert!(!reused.is_shut_down());
        for op in &after {
            prop_assert_eq!(apply(&reused, op), apply(&fresh, op), "after {:?}", op);
            prop_assert_eq!(reused.phase(), fresh.phase());
            prop_assert_eq!(reused.task_states(), fresh.task_states());
            prop_assert_eq!(reused.is_shut_down(), fresh.is_shut_down());
            for stage in Stage::ALL {
                prop_assert_eq!(
                    reused.gate(stage).map(|g| (g.is_open(), g.is_shut_down())),
                    fresh.gate(stage).map(|g| (g.is_open(), g.is_shut_down()))
                );
            }
            if hold != 0 {
                // The coordinator's later moves never reach what was held.
                prop_assert_eq!(wait.now().is_some(), settled, "held wait");
            }
        }
        if let Some(gate) = gate {
            prop_assert_eq!(gate.is_open(), was_open, "a held gate saw no later move");
        }
    }

    #[test]
    fn a_change_between_states_of_one_key_moves_nothing(
        (lifecycles, ops) in scenario(),
        task in any::<prop::sample::Index>(),
        to in task_state(),
    ) {
        let specs: Vec<TaskSpec> = lifecycles.iter().enumerate()
            .map(|(i, l)| TaskSpec::new(format!("t{i}"), *l)).collect();
        let c = Coordinator::new(specs.clone()).unwrap();
        for op in &ops { apply(&c, op); }
        // Settled: an update that names no task applies the rules.
        c.task_state_updated(Vec::<(String, TaskState)>::new()).unwrap();
        let name = &specs[task.index(specs.len())].name;
        let (phase, stage, from) = (c.phase(), c.stage_of(name).unwrap(), c.task_state(name).unwrap());
        let gates = |c: &Coordinator| Stage::ALL.map(|s| c.gate(s).map(Gate::is_open));
        let before = gates(&c);
        if phase.key(stage, from) == phase.key(stage, to) {
            prop_assert_eq!(c.set_task_state(name, to).unwrap(), None);
            prop_assert_eq!(c.phase(), phase);
            prop_assert_eq!(gates(&c), before);
        }
    }

    #[test]
    fn no_slack_changes_move_the_phase(
        (lifecycles, ops) in scenario(),
        changes in prop::collection::vec((any::<prop::sample::Index>(), task_state()), 0..60),
    ) {
        let specs: Vec<TaskSpec> = lifecycles.iter().enumerate()
            .map(|(i, l)| TaskSpec::new(format!("t{i}"), *l)).collect();
        let c = Coordinator::new(specs.clone()).unwrap();
        for op in &ops { apply(&c, op); }
        c.task_state_updated(Vec::<(String, TaskState)>::new()).unwrap();
        let phase = c.phase();
        let gates = |c: &Coordinator| Stage::ALL.map(|s| c.gate(s).map(Gate::is_open));
        let before = gates(&c);
        // A change spends the slack of each watched bit it sets in its key.
        let mut slack = c.slack();
        for (task, to) in changes {
            let name = &specs[task.index(specs.len())].name;
            let (stage, from) = (c.stage_of(name).unwrap(), c.task_state(name).unwrap());
            if !slack.spend(phase.key(stage, from), phase.key(stage, to)) {
                break;
            }
            prop_assert_eq!(c.set_task_state(name, to).unwrap(), None);
            prop_assert_eq!(c.phase(), phase);
            prop_assert_eq!(gates(&c), before);
        }
    }

    #[test]
    fn arbitrary_names_never_panic(names in prop::collection::vec(".{0,6}", 0..6), probe in ".{0,6}") {
        match Coordinator::new(names.iter().map(TaskSpec::main)) {
            Ok(c) => {
                let known = names.contains(&probe);
                prop_assert_eq!(c.is_allowed(&probe).is_ok(), known);
                prop_assert_eq!(c.set_task_state(&probe, TaskState::running()).is_ok(), known);
                prop_assert_eq!(c.explain(&probe).is_ok(), known);
                if !known {
                    let err = c.task_state_updated([(probe.as_str(), TaskState::dead())]).unwrap_err();
                    let quoted = format!("`{}`", probe);
                    prop_assert!(err.to_string().contains(&quoted));
                }
            }
            Err(err) => {
                let msg = err.to_string();
                prop_assert!(msg.contains("empty name") || msg.contains("duplicate task name"), "{}", msg);
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,40}") {
        let _ = serde_json::from_str::<TaskSpec>(&text);
        let _ = serde_json::from_str::<TaskState>(&text);
        #[cfg(feature = "trace")]
        let _ = tasklifecycle::tools::trace::parse(&text);
    }

    #[test]
    fn json_shaped_input_never_panics(
        name in prop_oneof![Just("\"web\"".to_owned()), Just("1".to_owned()), Just("null".to_owned()), "\"\\PC{0,5}\""],
        hook in prop_oneof![Just("\"prestart\"".to_owned()), Just("\"\"".to_owned()), Just("null".to_owned()), Just("7".to_owned()), "\"\\PC{0,6}\""],
        sidecar in prop_oneof![Just("true".to_owned()), Just("null".to_owned()), Just("\"yes\"".to_owned())],
        state in prop_oneof![Just("\"dead\"".to_owned()), Just("\"Dead\"".to_owned()), Just("null".to_owned()), "\"\\PC{0,6}\""],
    ) {
        let task = format!(r#"{{"Name":{name},"Lifecycle":{{"Hook":{hook},"Sidecar":{sidecar}}}}}"#);
        if let Ok(spec) = serde_json::from_str::<TaskSpec>(&task) {
            let _ = Coordinator::new([spec]);
        }
        let state = format!(r#"{{"State":{state},"Failed":{sidecar}}}"#);
        if let Err(err) = serde_json::from_str::<TaskState>(&state) {
            prop_assert!(!err.to_string().is_empty());
        }
    }
}

/// `default` cases, or `PROPTEST_CASES` when set (`make mutants` runs fewer;
/// `make fuzz`-style long runs, more).
/// Applies `op` (task `i` named `t{i}`) and returns its transition.
fn apply(c: &Coordinator, op: &Op) -> Option<tasklifecycle::Transition> {
    let named = |batch: &[(usize, TaskState)]| -> Vec<(String, TaskState)> {
        batch.iter().map(|&(i, s)| (format!("t{i}"), s)).collect()
    };
    match op {
        Op::Update(batch) => c.task_state_updated(named(batch)).unwrap(),
        Op::Restore(batch) => c.restore(named(batch)).unwrap(),
        Op::Set(i, s) => c.set_task_state(&format!("t{i}"), *s).unwrap(),
        Op::Restart => c.restart(),
        Op::Shutdown => {
            c.shutdown();
            None
        }
    }
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
