//! Every limit on input a stranger controls, stated once.
//!
//! Whatever reaches the wasm module (a JS call, a pasted jobspec, a share
//! link, a simulation's settings) runs on the page's thread, where a runaway
//! loop or an out-of-memory abort kills the page. Each entry point checks its
//! input against these numbers before doing work proportional to it, and says
//! which limit was hit ([`crate::Error::OutOfRange`], a JS `RangeError`). The
//! README's limit table is rendered from [`LIMITS`] (a test checks it).

/// Tasks in one task group: `Coordinator::new`, the JS `Coordinator`, a
/// trace file. Nomad itself has no fixed cap; ten thousand is far past any
/// real group and keeps one update's work small.
pub const MAX_TASKS: usize = 10_000;

/// A task name's length in bytes (UTF-8). Nomad builds paths from task
/// names; 255 bytes is the longest a file name may be on Linux.
pub const MAX_NAME_BYTES: usize = 255;

/// A jobspec (HCL or JSON) or an allocation's JSON given to the importer.
/// (Nesting is bounded by the parsers themselves: hcl-edit refuses more than
/// 64 levels, serde_json more than 128.)
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// Tasks the playground edits, imports or reads from a share link: beyond
/// that the diagram and the timeline stop being readable.
pub const MAX_PLAYGROUND_TASKS: usize = 64;

/// Characters of URL hash (share link) read.
pub const MAX_LINK_LEN: usize = 8 * 1024;

/// Runs in one simulated task's script (the last one repeats for every later
/// restart, so more would add nothing).
pub const MAX_RUNS: usize = 16;

/// The furthest a simulation looks ahead: one week of simulated time.
pub const MAX_HORIZON_MS: u64 = 7 * 24 * 3_600_000;

/// Events one simulation records before it stops, however its tasks are scripted.
pub const MAX_EVENTS: usize = 100_000;

/// A simulated task's kill timeout is capped here, as Nomad clients cap
/// every `kill_timeout` at their `max_kill_timeout` (30 s by default).
pub const MAX_KILL_TIMEOUT_MS: u64 = 30_000;

/// One row of the README's limit table.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// What is limited.
    pub what: &'static str,
    /// The limit, as the README prints it.
    pub value: u64,
    /// The unit of `value`.
    pub unit: &'static str,
    /// Where it is enforced, and what happens past it.
    pub enforced: &'static str,
}

/// Every limit above, as the README's table lists them.
pub const LIMITS: &[Limit] = &[
    Limit {
        what: "tasks in a group",
        value: MAX_TASKS as u64,
        unit: "tasks",
        enforced: "`Coordinator::new`, JS `new Coordinator`, trace files: refused",
    },
    Limit {
        what: "task name",
        value: MAX_NAME_BYTES as u64,
        unit: "bytes",
        enforced: "everywhere a task is named: refused",
    },
    Limit {
        what: "imported jobspec or allocation",
        value: MAX_IMPORT_BYTES as u64,
        unit: "bytes",
        enforced: "importer (Rust, playground): refused before parsing",
    },
    Limit {
        what: "tasks in the playground",
        value: MAX_PLAYGROUND_TASKS as u64,
        unit: "tasks",
        enforced: "editor (no more added), importer, share link: refused",
    },
    Limit {
        what: "share link",
        value: MAX_LINK_LEN as u64,
        unit: "characters",
        enforced: "share-link reader: refused",
    },
    Limit {
        what: "runs in a task's script",
        value: MAX_RUNS as u64,
        unit: "runs",
        enforced: "JS `simulate`, share link, run panel: refused",
    },
    Limit {
        what: "simulated horizon",
        value: MAX_HORIZON_MS,
        unit: "ms (one week)",
        enforced: "simulator, JS `simulate`: refused",
    },
    Limit {
        what: "events in one simulation",
        value: MAX_EVENTS as u64,
        unit: "events",
        enforced: "simulator: the run stops, marked cut off",
    },
    Limit {
        what: "kill timeout",
        value: MAX_KILL_TIMEOUT_MS,
        unit: "ms",
        enforced: "simulator: capped, as Nomad clients cap it",
    },
];
