//! HashiCorp Nomad's task lifecycle coordinator, in Rust.
//!
//! A task group's tasks fall into six stages (prestart ephemeral and sidecar,
//! main, poststart ephemeral and sidecar, poststop), each behind a [`Gate`].
//! The alloc runner reports task states to the [`Coordinator`], which moves
//! through the phases of [`phase`] and opens the gates each phase allows.
//! Task runners wait on [`Coordinator::start_condition_for_task`], a plain
//! `Future` that works with any executor, natively or in WebAssembly.
//!
//! ```
//! use tasklifecycle::{Coordinator, Phase, TaskSpec, TaskState};
//!
//! let c = Coordinator::new([TaskSpec::prestart("migrate"), TaskSpec::main("web")])?;
//! c.task_state_updated([("migrate", TaskState::pending()), ("web", TaskState::pending())])?;
//! assert_eq!(c.phase(), Phase::Prestart);
//! assert!(c.is_allowed("migrate")? && !c.is_allowed("web")?);
//!
//! c.set_task_state("migrate", TaskState::dead())?; // exited 0
//! assert_eq!(c.phase(), Phase::Main);
//! assert!(c.is_allowed("web")?);
//! # Ok::<(), tasklifecycle::Error>(())
//! ```

pub mod ascii;
mod coordinator;
mod error;
mod event;
mod explain;
mod gate;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "js")]
pub mod js;
pub mod model;
mod names;
pub mod phase;
#[cfg(feature = "playground")]
pub mod playground;
pub mod scenario;
pub mod sim;
mod tally;
pub mod testing;
pub mod trace;

pub use coordinator::{Coordinator, Subscription};
pub use error::{Error, Shutdown};
pub use event::{Cause, Transition, TransitionEvent};
pub use explain::{RequirementCheck, RuleCheck, TaskCheck};
pub use gate::{Gate, Wait};
pub use model::{Hook, Lifecycle, Stage, StageSet, Status, TaskSpec, TaskState};
pub use phase::Phase;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
