//! Every message the page sends its root component, grouped by the state
//! struct that handles it.

use crate::tools::import::ImportReply;
#[cfg(feature = "run-mode")]
use crate::tools::sim::restarts::{JobType, RestartPolicy};
#[cfg(feature = "run-mode")]
use crate::tools::sim::{Behaviour, Outside};
use crate::{Hook, TaskState};

/// Switchboard (the user reports states) or run (a simulated alloc runner does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Manual,
    Run,
}

/// What the switchboard's controls ask for.
pub enum BoardMsg {
    /// The alloc runner reports a task's new state (with everyone else's).
    SetState(usize, TaskState),
    AllPending,
    Restart,
    Restore,
    Reset,
    Preset(&'static str),
    Rename(usize, String),
    SetHook(usize, Hook),
    SetSidecar(usize, bool),
    Delete(usize),
    Add,
    /// Applies reaction `n` of "Nomad's alloc runner would now…".
    Apply(usize),
    /// Back (or forward) to the moment after the first `n` reports.
    Travel(usize),
}

/// What run mode's controls ask for (only the run build has them: see
/// `handover`).
#[cfg(feature = "run-mode")]
pub enum RunMsg {
    Play,
    Pause,
    Step,
    ToEnd,
    Reset,
    SetSpeed(f64),
    SetSeed(u64),
    SetBehaviour(usize, Behaviour),
    SetJobType(JobType),
    /// The group's restart policy.
    SetRestart(RestartPolicy),
    /// Something done to the allocation now: stop it, restart tasks.
    Act(Outside),
    /// Show a task's Nomad events (again: hide them).
    Select(usize),
    /// A playing simulation's clock tick (tagged so stale ticks are ignored).
    Tick(u64),
}

/// What the import panel asks for.
pub enum ImportMsg {
    /// The panel got focus: start the worker, so it is ready when needed.
    Warm,
    /// The worker's reply (or why there is none).
    Reply(Result<ImportReply, String>),
    /// The worker stopped, and why: what it had not answered fails.
    WorkerLost(String),
    JobText(String),
    ImportJob,
    PickGroup(usize),
    AllocText(String),
    ApplyAlloc,
}

/// The three exports.
pub enum Export {
    Diagram,
    #[cfg(feature = "run-mode")]
    Timeline,
    Ascii,
}

/// Everything the page can ask for.
pub enum Msg {
    Board(BoardMsg),
    #[cfg(feature = "run-mode")]
    Run(RunMsg),
    Import(ImportMsg),
    Export(Export),
    SetMode(Mode),
    /// A task runner's wait resolved (`ok` false: the coordinator shut down).
    Admitted {
        generation: u64,
        task: usize,
        ok: bool,
    },
    /// The user edited the URL hash.
    HashChanged,
    /// A frame has been painted: render the next panels (see `views::Shown`).
    ShowMore,
    DismissNotice,
    /// The first build could not load the run build (see `handover`).
    #[cfg(not(feature = "run-mode"))]
    RunBuildFailed,
}
