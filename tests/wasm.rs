//! The core and the wasm-bindgen layer, compiled to wasm and run in Node,
//! headless Chrome and headless Firefox by wasm-bindgen-test (see the Makefile's
//! `test-wasm`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use js_sys::{RangeError, TypeError};
use tasklifecycle::js::wire::*;
use tasklifecycle::js::{
    hook_names, phase_names, stage_names, status_names, wire_format, WasmCoordinator, WasmGate,
};
use tasklifecycle::tools::trace;
use tasklifecycle::{Coordinator, Gate, Phase, Shutdown, TaskSpec, TaskState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

const PRESTART: u8 = 1;
const PENDING: u8 = 0;
const RUNNING: u8 = STATE_STRIDE;
const DEAD: u8 = 2 * STATE_STRIDE;
const DEAD_FAILED: u8 = 2 * STATE_STRIDE + 1;

fn phase_of(packed: u32) -> &'static str {
    Phase::ALL[(packed & PHASE_MASK) as usize].as_str()
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
    assert_eq!(hook_names(), ["", "prestart", "poststart", "poststop"]);
    assert_eq!(status_names(), ["pending", "running", "dead"]);
    assert_eq!(phase_names().len(), 6);
    assert_eq!(stage_names()[2], "main");
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
    let c = WasmCoordinator::new("initweb", &[4, 3], &[PRESTART, NO_LIFECYCLE], &[0, 0]).unwrap();
    assert_eq!(c.stages(), [0, 2]);
    let packed = c.update(&[PENDING, PENDING], false).unwrap();
    assert_eq!(phase_of(packed), "prestart");
    assert_eq!((packed >> FROM_SHIFT) & PHASE_MASK, 0, "from init");
    assert_eq!(
        (packed >> OPENED_SHIFT) & STAGES_MASK,
        1,
        "opened prestart-ephemeral"
    );
    assert!(packed & CHANGED != 0);
    let packed = c.update(&[KEEP, RUNNING], false).unwrap();
    assert_eq!(packed & CHANGED, 0, "no phase change");
    assert_eq!(c.states(), [PENDING, RUNNING]);
    assert!(c
        .explain(1)
        .unwrap()
        .contains("prestart task `init` to finish successfully"));
    let packed = c.set_one(0, DEAD);
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
}

#[wasm_bindgen_test]
fn names_are_split_by_utf16_length() {
    let c = WasmCoordinator::new("😀aé", &[2, 1, 1], &[NO_LIFECYCLE; 3], &[0; 3]).unwrap();
    c.update(&[PENDING; 3], false).unwrap();
    assert!(c.explain(0).unwrap().starts_with("😀 may start"));
    assert!(c.explain(2).unwrap().starts_with("é may start"));
}

#[wasm_bindgen_test]
fn bad_input_is_a_js_error_not_a_panic() {
    let err = |r: Result<WasmCoordinator, wasm_bindgen::JsValue>| r.err().expect("an error");
    let e = err(WasmCoordinator::new(
        "aa",
        &[1, 1],
        &[NO_LIFECYCLE; 2],
        &[0; 2],
    ));
    let e = e.dyn_into::<RangeError>().expect("RangeError");
    assert_eq!(String::from(e.message()), "duplicate task name `a`");
    let e = err(WasmCoordinator::new(
        "ab",
        &[1, 3],
        &[NO_LIFECYCLE; 2],
        &[0; 2],
    ));
    assert!(e.is_instance_of::<TypeError>());
    let e = err(WasmCoordinator::new(
        "ab",
        &[1, 1],
        &[NO_LIFECYCLE],
        &[0; 2],
    ));
    assert!(e.is_instance_of::<TypeError>());
    let e = err(WasmCoordinator::new("a", &[1], &[9], &[0]));
    assert!(e.is_instance_of::<TypeError>());

    let c = WasmCoordinator::new("ab", &[1, 1], &[NO_LIFECYCLE; 2], &[0; 2]).unwrap();
    assert!(c
        .update(&[PENDING], false)
        .unwrap_err()
        .is_instance_of::<TypeError>());
    assert!(c
        .update(&[PENDING, 77], false)
        .unwrap_err()
        .is_instance_of::<RangeError>());
    assert_eq!(c.set_one(9, PENDING), REFUSED, "no task #9");
    assert_eq!(c.set_one(0, 6), REFUSED, "no state code 6");
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
