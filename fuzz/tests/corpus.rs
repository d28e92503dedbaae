//! Replays every saved input through its fuzz target: the seed corpora
//! (`corpus/<target>/`), the inputs AFL++ found interesting (`make fuzz`
//! copies its queues there) and every crash or hang it found, kept as a
//! regression case (`regressions/<target>/`). Runs in `make test`.

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("jobspec", tasklifecycle_fuzz::jobspec),
    ("allocation", tasklifecycle_fuzz::allocation),
    ("share_link", tasklifecycle_fuzz::share_link),
    ("trace_file", tasklifecycle_fuzz::trace_file),
    ("task_json", tasklifecycle_fuzz::task_json),
    ("simulation", tasklifecycle_fuzz::simulation),
];

/// Seeds that live elsewhere in the repository, not copied into corpus/:
/// the importer's fixtures and the smallest conformance trace file.
fn shared_seeds(root: &Path, target: &str) -> Vec<std::path::PathBuf> {
    let repo = root.parent().unwrap();
    let fixtures = inputs(&repo.join("tests/fixtures"));
    let is_alloc = |p: &std::path::PathBuf| p.ends_with("allocation.json");
    match target {
        "jobspec" => fixtures.into_iter().filter(|p| !is_alloc(p)).collect(),
        "allocation" => fixtures.into_iter().filter(is_alloc).collect(),
        "trace_file" => vec![repo.join("tests/conformance/nomad-tests.json")],
        _ => Vec::new(),
    }
}

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

#[test]
fn every_saved_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (name, target) in TARGETS {
        let mut seeds = inputs(&root.join("corpus").join(name));
        seeds.extend(shared_seeds(root, name));
        assert!(!seeds.is_empty(), "no seed corpus for {name}");
        let regressions = inputs(&root.join("regressions").join(name));
        for path in seeds.iter().chain(&regressions) {
            let data = std::fs::read(path).unwrap();
            let run = std::panic::catch_unwind(|| target(&data));
            assert!(
                run.is_ok(),
                "{name}: {} fails its properties",
                path.display()
            );
            total += 1;
        }
    }
    println!("replayed {total} saved inputs");
}
