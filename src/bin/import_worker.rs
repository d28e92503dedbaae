//! The playground's import worker (built by Trunk as `data-type="worker"`).
fn main() {
    tasklifecycle::import_worker::start();
}
