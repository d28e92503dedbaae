//! The playground's entry point (built by Trunk from index.html).
fn main() {
    tasklifecycle::playground::start();
}
