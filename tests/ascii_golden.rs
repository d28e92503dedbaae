//! The ASCII export, one golden file per phase (tests/golden/ascii/).
//! After a deliberate change: `UPDATE_GOLDEN=1 cargo test --test ascii_golden`.

use tasklifecycle::tools::ascii;
use tasklifecycle::tools::scenario::default_preset;
use tasklifecycle::{Coordinator, Phase, TaskState};

/// The default preset driven into `phase`.
fn in_phase(phase: Phase) -> Coordinator {
    let c = Coordinator::new(default_preset().scenario().tasks).unwrap();
    let set = |names: &[&str], state: TaskState| {
        c.task_state_updated(names.iter().map(|n| (*n, state)))
            .unwrap();
    };
    let all = [
        "init",
        "proxy",
        "web",
        "api",
        "warm-cache",
        "log-shipper",
        "cleanup",
    ];
    if phase == Phase::Init {
        set(&["web"], TaskState::running());
        return c;
    }
    set(&all, TaskState::pending());
    if phase >= Phase::Main {
        set(&["proxy"], TaskState::running());
        set(&["init"], TaskState::dead());
    }
    if phase >= Phase::Poststart {
        set(&["web", "api", "log-shipper"], TaskState::running());
    }
    if phase >= Phase::WaitAlloc {
        set(&["warm-cache"], TaskState::dead());
    }
    if phase >= Phase::Poststop {
        set(&["proxy", "web", "api", "log-shipper"], TaskState::dead());
    }
    assert_eq!(c.phase(), phase);
    c
}

#[test]
fn ascii_export_matches_the_golden_file_of_each_phase() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/ascii");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for phase in Phase::ALL {
        let art = ascii::render(&in_phase(phase));
        let path = format!("{dir}/{phase}.txt");
        if update {
            std::fs::write(&path, &art).unwrap();
            continue;
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            art, golden,
            "{phase}: the ASCII export changed (UPDATE_GOLDEN=1 to accept)"
        );
    }
}
