//! Nomad input: the jobspec and allocation being pasted, and a job whose
//! task group the user is choosing. Every failure leaves the page as it was.

use std::rc::Rc;

use crate::tools::import::{self, ImportedJob};
use crate::tools::scenario::Scenario;
use crate::{validate_tasks, TaskState};

/// A task group ready to load: its scenario (every task pending), each
/// task's leader flag, and the log line that says where it came from.
pub struct Imported {
    pub scenario: Scenario,
    pub leaders: Vec<bool>,
    pub why: String,
}

#[derive(Default)]
pub struct ImportState {
    pub job_text: String,
    pub alloc_text: String,
    /// The last import's error (with line and column for HCL syntax errors).
    pub error: Option<String>,
    /// What the last import skipped.
    pub notes: Rc<Vec<String>>,
    /// A job with several groups, while the user chooses one.
    pub pending_job: Option<ImportedJob>,
}

impl ImportState {
    /// Reads the jobspec. A job with one group is ready to load; with
    /// several, it waits for [`ImportState::pick_group`].
    pub fn import_job(&mut self) -> Option<Imported> {
        self.pending_job = None;
        match import::jobspec(&self.job_text) {
            Err(err) => {
                self.fail(err.to_string());
                None
            }
            Ok(job) => {
                self.error = None;
                self.notes = Rc::new(job.notes.clone());
                if job.groups.len() == 1 {
                    self.group(&job, 0)
                } else {
                    self.pending_job = Some(job);
                    None
                }
            }
        }
    }

    /// The chosen group of the job read last.
    pub fn pick_group(&mut self, i: usize) -> Option<Imported> {
        let job = self.pending_job.take()?;
        self.group(&job, i)
    }

    /// The allocation's task states, by name.
    pub fn allocation(&mut self) -> Option<Vec<(String, TaskState)>> {
        match import::allocation(&self.alloc_text) {
            Ok(alloc) => {
                self.error = None;
                Some(alloc.states)
            }
            Err(err) => {
                self.fail(err.to_string());
                None
            }
        }
    }

    /// Shows `why`, adding that nothing was changed.
    pub fn fail(&mut self, why: String) {
        self.error = Some(format!("{why}. Nothing was changed."));
    }

    fn group(&mut self, job: &ImportedJob, i: usize) -> Option<Imported> {
        let group = job.groups.get(i)?;
        let tasks: Vec<_> = group.tasks.iter().map(|t| t.spec.clone()).collect();
        if let Err(err) = validate_tasks(&tasks) {
            self.fail(format!("group `{}`: {err}", group.name));
            return None;
        }
        let states = vec![TaskState::pending(); tasks.len()];
        Some(Imported {
            scenario: Scenario { tasks, states },
            leaders: group.tasks.iter().map(|t| t.leader).collect(),
            why: format!("imported job `{}`, group `{}`", job.name, group.name),
        })
    }
}
