//! Nomad's gate tests (gate_test.go), plus the rules this gate adds:
//! deterministic admission, shutdown errors, waiter hygiene.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tasklifecycle::{Gate, Shutdown, Wait};

fn poll(wait: &mut Wait) -> Poll<Result<(), Shutdown>> {
    Pin::new(wait).poll(&mut Context::from_waker(Waker::noop()))
}

fn require_open(gate: &Gate) {
    assert!(gate.is_open());
    assert_eq!(poll(&mut gate.wait()), Poll::Ready(Ok(())));
}

fn require_blocked(gate: &Gate) {
    assert!(!gate.is_open());
    assert!(poll(&mut gate.wait()).is_pending());
}

#[test]
fn starts_blocked() {
    require_blocked(&Gate::new());
}

#[test]
fn close() {
    let gate = Gate::new();
    assert!(!gate.close(), "closing a closed gate changes nothing");
    require_blocked(&gate);
}

#[test]
fn open() {
    let gate = Gate::new();
    assert!(gate.open());
    require_open(&gate);
}

#[test]
fn close_twice() {
    let gate = Gate::new();
    gate.open();
    assert!(gate.close());
    assert!(!gate.close());
    require_blocked(&gate);
}

#[test]
fn open_twice() {
    let gate = Gate::new();
    assert!(gate.open());
    assert!(!gate.open());
    require_open(&gate);
}

#[test]
fn open_close_open() {
    let gate = Gate::new();
    gate.open();
    require_open(&gate);
    gate.close();
    require_blocked(&gate);
    gate.open();
    require_open(&gate);
}

#[test]
fn shutdown_fails_pending_and_later_waits() {
    let gate = Gate::new();
    let mut pending = gate.wait();
    assert!(poll(&mut pending).is_pending());
    gate.shutdown();
    assert_eq!(poll(&mut pending), Poll::Ready(Err(Shutdown)));
    assert_eq!(poll(&mut gate.wait()), Poll::Ready(Err(Shutdown)));
    assert!(!gate.open(), "open does nothing after shutdown");
    assert!(!gate.is_open());
    assert_eq!(poll(&mut gate.wait()), Poll::Ready(Err(Shutdown)));
    assert_eq!(gate.waiter_count(), 0);
}

#[test]
fn shutdown_of_an_open_gate_refuses_later_waits() {
    let gate = Gate::new();
    gate.open();
    gate.shutdown();
    assert_eq!(poll(&mut gate.wait()), Poll::Ready(Err(Shutdown)));
}

#[test]
fn a_wait_pending_at_open_is_admitted_even_if_the_gate_closes_before_it_runs() {
    let gate = Gate::new();
    let mut waits: Vec<Wait> = (0..100).map(|_| gate.wait()).collect();
    for wait in waits.iter_mut().step_by(2) {
        assert!(poll(wait).is_pending());
    }
    gate.open();
    gate.close();
    for wait in &mut waits {
        assert_eq!(poll(wait), Poll::Ready(Ok(())));
    }
    require_blocked(&gate);
}

#[test]
fn thousands_of_dropped_waits_leave_no_waiter() {
    let gate = Gate::new();
    for round in 0..10 {
        let mut waits: Vec<Wait> = (0..1_000).map(|_| gate.wait()).collect();
        // Half are polled (their waker stored), half never are.
        for wait in waits.iter_mut().skip(round % 2).step_by(2) {
            assert!(poll(wait).is_pending());
        }
        assert_eq!(gate.waiter_count(), 1_000);
        drop(waits);
        assert_eq!(gate.waiter_count(), 0);
    }
    // Admitted waits leave nothing behind either, whether polled or dropped.
    let mut waits: Vec<Wait> = (0..1_000).map(|_| gate.wait()).collect();
    gate.open();
    waits
        .iter_mut()
        .step_by(2)
        .for_each(|w| assert!(poll(w).is_ready()));
    drop(waits);
    assert_eq!(gate.waiter_count(), 0);
}

#[test]
fn waiters_on_other_threads_are_woken_by_open() {
    let gate = Arc::new(Gate::new());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let gate = Arc::clone(&gate);
            std::thread::spawn(move || futures_executor::block_on(gate.wait()))
        })
        .collect();
    while gate.waiter_count() < 4 {
        std::thread::sleep(Duration::from_millis(1));
    }
    gate.open();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), Ok(()));
    }
}

#[test]
fn waiters_on_other_threads_see_shutdown() {
    let gate = Arc::new(Gate::new());
    let waiter = {
        let gate = Arc::clone(&gate);
        std::thread::spawn(move || futures_executor::block_on(gate.wait()))
    };
    while gate.waiter_count() < 1 {
        std::thread::sleep(Duration::from_millis(1));
    }
    gate.shutdown();
    assert_eq!(waiter.join().unwrap(), Err(Shutdown));
}

/// Sharpened by mutation testing: the shutdown flag and the Debug forms.
#[test]
fn a_gate_says_whether_it_is_shut_down_and_shows_its_state() {
    let gate = Gate::new();
    assert!(!gate.is_shut_down());
    assert_eq!(
        format!("{gate:?}"),
        "Gate { open: false, shut_down: false, waiters: 0 }"
    );
    let mut waiting = gate.wait();
    assert_eq!(format!("{waiting:?}"), "Wait::Listening");
    assert!(gate.open());
    assert!(!gate.is_shut_down(), "open is not shut down");
    assert!(poll(&mut waiting).is_ready());
    let admitted = gate.wait();
    assert_eq!(format!("{admitted:?}"), "Wait::Ready(Ok(()))");
    gate.shutdown();
    assert!(gate.is_shut_down());
    assert!(!gate.is_open());
    assert_eq!(
        format!("{gate:?}"),
        "Gate { open: false, shut_down: true, waiters: 0 }"
    );
    assert!(!gate.open() && !gate.close(), "a shut gate no longer moves");
    assert!(gate.is_shut_down());
}
