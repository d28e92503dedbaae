//! AFL++ harness for [`tasklifecycle_fuzz::jobspec`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::jobspec(data));
}
