//! AFL++ harness for [`tasklifecycle_fuzz::share_link`] (`make fuzz`).
fn main() {
    afl::fuzz!(|data: &[u8]| tasklifecycle_fuzz::share_link(data));
}
