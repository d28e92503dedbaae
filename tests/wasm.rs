//! The core and the wasm-bindgen layer, compiled to wasm and run in Node,
//! headless Chrome and headless Firefox by wasm-bindgen-test (see the Makefile's
//! `test-wasm`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use js_sys::{RangeError, TypeError};
use tasklifecycle::js::wire::*;
use tasklifecycle::js::{code_tables, wire_format, WasmCoordinator, WasmGate};
use tasklifecycle::tools::trace;
use tasklifecycle::{Coordinator, Gate, Phase, Shutdown, TaskSpec, TaskState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

const PRESTART: u8 = 1;
const PENDING: u8 = 0;
const RUNNING: u8 = STATE_STRIDE;
const DEAD: u8 = 2 * STATE_STRIDE;
const DEAD_FAILED: u8 = 2 * STATE_STRIDE + 1;

/// A task list as api.js writes it into the task scratch (see `task_scratch` in src/js/mod.rs).
fn task_list(tasks: &[(&str, u8)]) -> Vec<u8> {
    let mut list = Vec::new();
    for (name, code) in tasks {
        list.push(*code);
        list.extend_from_slice(&(name.len() as u32).to_le_bytes());
        list.extend_from_slice(name.as_bytes());
    }
    list
}

fn coordinator(tasks: &[(&str, u8)]) -> Result<WasmCoordinator, wasm_bindgen::JsValue> {
    WasmCoordinator::from_task_list(tasks.len(), &task_list(tasks)).map(|(c, _)| c)
}

/// A packed result's fields (its low 32 bits, as JS's bit operators read them).
fn fields(packed: f64) -> u32 {
    packed as u64 as u32
}

fn phase_of(packed: f64) -> &'static str {
    Phase::ALL[(fields(packed) & PHASE_MASK) as usize].as_str()
}

/// A packed result's slack word, each key bit's lane taken apart: the
/// changes that may wait, and whether its guard bit is set.
fn slack(packed: f64) -> [(u32, bool); 3] {
    let word = (packed / f64::from(1u32 << SLACK_AT)) as u32;
    std::array::from_fn(|bit| {
        let lane = word >> (SLACK_LANE * bit as u32) & ((1 << SLACK_LANE) - 1);
        (lane & SLACK_MOST, lane > SLACK_MOST)
    })
}

#[wasm_bindgen_test]
fn conformance_traces_replay_in_wasm() {
    for json in [
        include_str!("conformance/nomad-tests.json"),
        include_str!("conformance/random-400.json"),
    ] {
        for t in trace::parse(json).unwrap() {
            let mismatches = t.replay().unwrap();
            assert!(mismatches.is_empty(), "{}", mismatches[0]);
        }
    }
}

#[wasm_bindgen_test]
fn code_tables_match_the_core() {
    let tables = code_tables();
    let lines: Vec<Vec<&str>> = tables.lines().map(|l| l.split('|').collect()).collect();
    assert_eq!(lines[0], ["", "prestart", "poststart", "poststop"], "hooks");
    assert_eq!(lines[1], ["pending", "running", "dead"], "statuses");
    assert_eq!(lines[2].len(), 6, "phases");
    assert_eq!(lines[3][2], "main", "stages");
    assert_eq!(lines.len(), 4);
    assert_eq!(
        wire_format()[..3],
        [
            u32::from(KEEP),
            u32::from(NO_LIFECYCLE),
            u32::from(STATE_STRIDE)
        ]
    );
}

#[wasm_bindgen_test]
fn bindings_drive_a_lifecycle() {
    let list = task_list(&[("init", PRESTART), ("web", NO_LIFECYCLE)]);
    let (mut c, stages) = WasmCoordinator::from_task_list(2, &list).unwrap();
    assert_eq!(stages, [0, 2]);
    let packed = c.update(&[PENDING, PENDING], false).unwrap();
    assert_eq!(phase_of(packed), "prestart");
    let packed = fields(packed);
    assert_eq!((packed >> FROM_SHIFT) & PHASE_MASK, 0, "from init");
    assert_eq!(
        (packed >> OPENED_SHIFT) & STAGES_MASK,
        1,
        "opened prestart-ephemeral"
    );
    assert!(packed & CHANGED != 0);
    let packed = c.update(&[KEEP, RUNNING], false).unwrap();
    assert_eq!(fields(packed) & CHANGED, 0, "no phase change");
    assert_eq!(c.states(), [PENDING, RUNNING]);
    assert!(c
        .explain(1)
        .unwrap()
        .contains("prestart task `init` to finish successfully"));
    let packed = c.set_one(0, DEAD, 0, 0);
    assert_eq!(phase_of(packed), "wait_alloc");
    let main_gate = c.gate(2).unwrap();
    assert!(main_gate.is_open());
    assert!(c.gate(5).is_none(), "no poststop task, no gate");
    let packed = c.restart();
    assert_eq!(phase_of(packed), "init");
    assert!(
        !main_gate.is_open(),
        "the handle shares the coordinator's gate"
    );
    let packed = c.update(&[DEAD_FAILED, KEEP], true).unwrap();
    assert_eq!(
        phase_of(packed),
        "prestart",
        "restore skips init; a failed prestart blocks main"
    );

    // Reset: as new. A gate handle held across it is no longer the
    // coordinator's (as if it had been dropped and made anew).
    assert_eq!(phase_of(c.update(&[DEAD, PENDING], false).unwrap()), "main");
    assert!(main_gate.is_open());
    c.wait_code(1, RUNNING);
    c.reset();
    assert_eq!(c.phase(), 0, "init");
    assert_eq!(c.states(), [PENDING, PENDING]);
    assert!(!c.gate(2).unwrap().is_open(), "a closed main gate");
    assert_eq!(phase_of(c.apply(false, 0, 2)), "prestart");
    assert_eq!(c.states(), [PENDING, PENDING], "no code left waiting");
    assert_eq!(
        phase_of(c.update(&[PENDING, KEEP], false).unwrap()),
        "prestart"
    );
    assert_eq!(phase_of(c.set_one(0, DEAD, 0, 0)), "main");
    assert!(c.gate(2).unwrap().is_open());
    c.restart();
    assert!(!c.gate(2).unwrap().is_open());
    assert!(main_gate.is_open(), "the held handle saw no later move");

    // Codes left waiting in the buffer are applied by the next call, first.
    c.restart();
    assert_eq!(
        phase_of(c.update(&[PENDING, PENDING], false).unwrap()),
        "prestart"
    );
    c.wait_code(1, RUNNING);
    assert_eq!(c.states(), [PENDING, PENDING], "only waiting");
    assert_eq!(
        phase_of(c.set_one(0, DEAD, 1, 2)),
        "wait_alloc",
        "web running, then init done"
    );
    assert_eq!(c.states(), [DEAD, RUNNING]);
    c.wait_code(1, DEAD);
    assert_eq!(
        phase_of(c.set_one(1, RUNNING, 1, 2)),
        "wait_alloc",
        "the last code wins"
    );
    assert_eq!(c.states(), [DEAD, RUNNING]);
    c.wait_code(0, PENDING);
    assert_eq!(phase_of(c.apply(false, 0, 1)), "wait_alloc", "only task 0");
    assert_eq!(c.states(), [PENDING, RUNNING]);
    c.wait_code(1, PENDING);
    assert_eq!(phase_of(c.apply(false, 1, 2)), "wait_alloc");
    assert_eq!(c.states(), [PENDING, PENDING], "only task 1");
    assert_eq!(
        c.apply(false, 1, 9),
        f64::from(REFUSED),
        "a range past the tasks"
    );
    assert_eq!(
        c.apply(false, 1, 3),
        f64::from(REFUSED),
        "a range past the tasks, in the last word"
    );
    assert_eq!(
        c.apply(false, 2, 1),
        f64::from(REFUSED),
        "a range backwards"
    );

    // Rebuilt from another list: a new coordinator of those tasks.
    let other = task_list(&[("web", NO_LIFECYCLE), ("bye", 3)]);
    c.rebuild_from(2, &other).unwrap();
    assert_eq!(
        phase_of(c.update(&[PENDING, PENDING], false).unwrap()),
        "main"
    );
    assert!(c.explain(1).unwrap().starts_with("bye"));
    // A bad list leaves it as it was.
    assert!(c
        .rebuild_from(2, &task_list(&[("a", 0), ("a", 0)]))
        .is_err());
    assert!(c.explain(1).unwrap().starts_with("bye"));
}

#[wasm_bindgen_test]
fn every_result_carries_the_slack() {
    // Each key bit's changes that may wait, every lane's guard bit set.
    let lanes = |packed| slack(packed).map(|(changes, guard)| guard.then_some(changes));
    let most = Some(SLACK_MOST);
    let list = task_list(&[("a", PRESTART), ("b", PRESTART), ("c", PRESTART)]);
    let (c, _) = WasmCoordinator::from_task_list(3, &list).unwrap();
    let packed = c.update(&[PENDING; 3], false).unwrap();
    assert_eq!(phase_of(packed), "prestart");
    assert_eq!(
        lanes(packed),
        [Some(2), Some(2), most],
        "three deaths for alloc done (key bit 0), three successes for prestart done \
         (bit 1, its worst); no sidecar to run (bit 2, unwatched)"
    );
    let packed = c.set_one(0, DEAD, 0, 0);
    assert_eq!(fields(packed) & CHANGED, 0, "no phase change");
    assert_eq!(lanes(packed), [Some(1), Some(1), most]);
    assert_eq!(
        lanes(c.set_one(1, DEAD_FAILED, 0, 0)),
        [Some(0), Some(1), most],
        "a failure is a death, not a success"
    );
    let packed = c.set_one(2, DEAD, 0, 0);
    assert_eq!(phase_of(packed), "poststop");
    assert_eq!(lanes(packed), [most; 3], "nothing leaves poststop");
    assert_eq!(
        lanes(c.restart()),
        [Some(0), Some(2), most],
        "back to init, which alloc done leaves at the next update"
    );
}

#[wasm_bindgen_test]
fn names_are_read_as_utf8() {
    let c = coordinator(&[
        ("😀", NO_LIFECYCLE),
        ("a", NO_LIFECYCLE),
        ("é", NO_LIFECYCLE),
    ])
    .unwrap();
    c.update(&[PENDING; 3], false).unwrap();
    assert!(c.explain(0).unwrap().starts_with("😀 may start"));
    assert!(c.explain(2).unwrap().starts_with("é may start"));
}

/// The code buffer holds eight tasks' codes to a word: codes waiting in
/// several words each reach their own task, all or none, and once.
#[wasm_bindgen_test]
fn waiting_codes_reach_their_own_tasks_across_words() {
    let names: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
    let tasks: Vec<(&str, u8)> = names.iter().map(|n| (n.as_str(), NO_LIFECYCLE)).collect();
    let c = coordinator(&tasks).unwrap();
    let mut want = vec![PENDING; 20];
    for (i, code) in [
        (3, RUNNING),
        (7, DEAD),
        (8, RUNNING),
        (16, DEAD_FAILED),
        (19, RUNNING),
    ] {
        c.wait_code(i, code);
        want[i] = code;
    }
    assert_eq!(phase_of(c.apply(false, 3, 20)), "init");
    assert_eq!(c.states(), want);
    c.wait_code(2, DEAD);
    c.wait_code(12, 77);
    assert_eq!(
        c.apply(false, 2, 13),
        f64::from(REFUSED),
        "no state code 77"
    );
    assert_eq!(c.states(), want, "all or none");
    assert_eq!(phase_of(c.apply(false, 0, 20)), "init");
    assert_eq!(c.states(), want, "the refused codes were cleared");
    let mut codes = want.clone();
    codes[12] = 77;
    let e = c.update(&codes, false).unwrap_err();
    assert_eq!(
        String::from(e.unchecked_into::<js_sys::Error>().message()),
        "task `t12`: bad state code 77"
    );
}

#[wasm_bindgen_test]
fn bad_input_is_a_js_error_not_a_panic() {
    let err = |r: Result<WasmCoordinator, wasm_bindgen::JsValue>| r.err().expect("an error");
    let message =
        |e: wasm_bindgen::JsValue| String::from(e.unchecked_into::<js_sys::Error>().message());
    let e = err(coordinator(&[("a", NO_LIFECYCLE), ("a", NO_LIFECYCLE)]));
    let e = e.dyn_into::<RangeError>().expect("RangeError");
    assert_eq!(String::from(e.message()), "duplicate task name `a`");
    let ab = task_list(&[("a", NO_LIFECYCLE), ("b", NO_LIFECYCLE)]);
    let cut = |end: usize| err(WasmCoordinator::from_task_list(2, &ab[..end]).map(|(c, _)| c));
    // Cut inside the last name, inside its length, and right after its code.
    for end in [ab.len() - 1, ab.len() - 2, ab.len() - 5] {
        let e = cut(end);
        assert!(e.is_instance_of::<TypeError>(), "cut at {end}");
        assert!(message(e).starts_with("task list: "), "cut at {end}");
    }
    let e = err(WasmCoordinator::from_task_list(3, &ab).map(|(c, _)| c));
    assert_eq!(message(e), "task list: not the number of tasks said");
    let e =
        err(WasmCoordinator::from_task_list(1, &[NO_LIFECYCLE, 1, 0, 0, 0, 0xff]).map(|(c, _)| c));
    assert_eq!(message(e), "task list: a name is not UTF-8");
    let e = err(WasmCoordinator::new(2, usize::MAX));
    assert_eq!(message(e), "task list: longer than the task scratch");
    let e = err(coordinator(&[("a", 9)]));
    assert!(e.is_instance_of::<TypeError>());
    assert_eq!(message(e), "task `a`: bad lifecycle code 9");
    let e = err(coordinator(&[("a", 4 | SIDECAR)]));
    assert!(e.is_instance_of::<TypeError>());
    let sidecar = coordinator(&[("a", PRESTART | SIDECAR)]).unwrap();
    assert_eq!(
        sidecar.gate(1).map(|g| g.is_open()),
        Some(false),
        "a prestart sidecar"
    );

    let c = coordinator(&[("a", NO_LIFECYCLE), ("b", NO_LIFECYCLE)]).unwrap();
    assert!(c
        .update(&[PENDING], false)
        .unwrap_err()
        .is_instance_of::<TypeError>());
    assert!(c
        .update(&[PENDING, 77], false)
        .unwrap_err()
        .is_instance_of::<RangeError>());
    assert_eq!(
        c.set_one(9, PENDING, 0, 0),
        f64::from(REFUSED),
        "no task #9"
    );
    assert_eq!(c.set_one(0, 6, 0, 0), f64::from(REFUSED), "no state code 6");
    assert!(c.explain(2).unwrap_err().is_instance_of::<RangeError>());
    assert!(c.gate(200).is_none());
    // Still healthy.
    assert_eq!(
        phase_of(c.update(&[PENDING, PENDING], false).unwrap()),
        "main"
    );
}

#[wasm_bindgen_test]
fn gates_and_waits_work_in_wasm() {
    let gate = WasmGate::new();
    assert!(gate.open());
    assert!(!gate.open());
    assert!(gate.close());
    gate.shutdown();
    assert!(
        !gate.open() && !gate.is_open(),
        "a shut-down gate no longer opens"
    );

    let core = Gate::new();
    let mut cx = Context::from_waker(Waker::noop());
    let mut wait = pin!(core.wait());
    assert!(wait.as_mut().poll(&mut cx).is_pending());
    core.open();
    core.close();
    assert_eq!(wait.poll(&mut cx), Poll::Ready(Ok(())));

    let c = Coordinator::new([TaskSpec::main("web")]).unwrap();
    let mut web = pin!(c.start_condition_for_task("web").unwrap());
    c.shutdown();
    assert_eq!(web.as_mut().poll(&mut cx), Poll::Ready(Err(Shutdown)));
    assert!(c.set_task_state("web", TaskState::running()).is_ok());
}
