//! AFL++ harness for [`tasklifecycle_fuzz::trace_file`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::trace_file(data));
}
