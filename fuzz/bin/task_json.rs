//! AFL++ harness for [`tasklifecycle_fuzz::task_json`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::task_json(data));
}
