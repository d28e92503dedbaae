//! Tools built on the core: each reads the coordinator through its public API
//! and sits behind its own cargo feature, so a crate that only coordinates
//! tasks compiles none of them (nor their dependencies).
//!
//! | module | feature | what it holds |
//! |---|---|---|
//! | [`trace`] | `trace` | the conformance trace format and its replay |
//! | [`ascii`] | `ascii` | the coordinator drawn as ASCII art |
//! | [`sim`] | `sim` | the simulated alloc runner (seeded clock, Nomad's rules) |
//! | [`scenario`] | `scenario` | a group and its states: presets and the share-link codec |
//! | [`import`] | `import` (`import-types`: its types alone) | Nomad jobspec (HCL, JSON) and allocation import |

#[cfg(feature = "ascii")]
pub mod ascii;
#[cfg(feature = "import-types")]
pub mod import;
#[cfg(feature = "scenario")]
pub mod scenario;
#[cfg(feature = "sim")]
pub mod sim;
#[cfg(feature = "trace")]
pub mod trace;
