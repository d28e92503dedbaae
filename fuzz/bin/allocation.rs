//! AFL++ harness for [`tasklifecycle_fuzz::allocation`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::allocation(data));
}
