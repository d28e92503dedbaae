//! The playground with run mode: the second build, which the first loads and
//! hands the page to when run mode is first shown (see src/playground/handover.rs).
fn main() {
    tasklifecycle::playground::start();
}
