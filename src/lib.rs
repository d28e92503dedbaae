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
//!
//! # Module map
//!
//! The core knows nothing of JS, UI or tools:
//!
//! - [`model`]: tasks, hooks, the six stages, task states, and every fact
//!   about a stage (its lifecycle block, whether it is a sidecar, ...).
//! - [`phase`]: the phases, the gates each opens and the rules that move
//!   the coordinator — once, as data.
//! - [`Gate`] / [`Wait`] (`gate.rs`): an event-driven gate with cancel-safe waits.
//! - [`Coordinator`] (`coordinator/`): the FSM, with its per-stage tally, name
//!   index, transition events and `explain`.
//! - [`Error`] (`error.rs`), [`limits`] (every bound on outside input, once)
//!   and [`testing`] (Nomad's test helpers).
//!
//! Built on it, each behind a cargo feature: [`tools`] (`trace`, `ascii`,
//! `sim`, `scenario`, `import`); the wasm-bindgen layer under the npm package
//! (`js`, feature `js`); the Yew playground (`playground`, feature `playground`)
//! and its import worker (`import_worker`, feature `import-worker`; the page
//! shares its message helpers).

mod coordinator;
mod error;
mod gate;
#[cfg(any(feature = "import-worker", feature = "playground"))]
pub mod import_worker;
#[cfg(feature = "js")]
pub mod js;
pub mod limits;
pub mod model;
pub mod phase;
#[cfg(feature = "playground")]
pub mod playground;
pub mod testing;
pub mod tools;
#[cfg(any(feature = "js", feature = "playground", feature = "import-worker"))]
mod wasm_alloc;

pub use coordinator::event::{Cause, Transition, TransitionEvent};
pub use coordinator::{validate_tasks, Coordinator, Subscription};
pub use coordinator::{RequirementCheck, RuleCheck, TaskCheck};
pub use error::{Error, Shutdown};
pub use gate::{Gate, Wait};
pub use model::{Hook, Lifecycle, Stage, StageSet, Status, TaskSpec, TaskState};
pub use phase::{Phase, Slack};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
