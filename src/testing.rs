//! Test helpers mirroring the ones Nomad's package exports
//! (`RequireTaskAllowed`, `RequireTaskBlocked`, `WaitNotInitUntil`), for
//! orchestrators that test their own use of the coordinator.
//!
//! They panic on failure, as assertions do.

use crate::Coordinator;

/// Whether the task's start condition is ready right now (polled once).
fn start_condition_ready(coordinator: &Coordinator, task: &str) -> bool {
    let wait = match coordinator.start_condition_for_task(task) {
        Ok(wait) => wait,
        Err(err) => panic!("{err}"),
    };
    let mut wait = wait;
    wait.now() == Some(Ok(()))
}

/// Asserts that `task` may start: its start condition is ready now.
#[track_caller]
pub fn require_task_allowed(coordinator: &Coordinator, task: &str) {
    assert!(
        start_condition_ready(coordinator, task),
        "task `{task}` should be allowed to start: {}",
        coordinator.explain(task).unwrap_or_default()
    );
}

/// Asserts that `task` may not start: its start condition is not ready.
#[track_caller]
pub fn require_task_blocked(coordinator: &Coordinator, task: &str) {
    assert!(
        !start_condition_ready(coordinator, task),
        "task `{task}` should be blocked, but it may start ({} phase)",
        coordinator.phase()
    );
}

/// Polls until the coordinator leaves `init`, or calls `on_timeout` after
/// `until` (Nomad's `WaitNotInitUntil`). Blocks the thread: native only.
#[cfg(not(target_arch = "wasm32"))]
pub fn wait_not_init_until(
    coordinator: &Coordinator,
    until: std::time::Duration,
    on_timeout: impl FnOnce(),
) {
    let deadline = std::time::Instant::now() + until;
    while coordinator.phase() == crate::Phase::Init {
        if std::time::Instant::now() >= deadline {
            on_timeout();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}
