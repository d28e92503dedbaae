//! AFL++ harness for [`tasklifecycle_fuzz::simulation`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::simulation(data));
}
