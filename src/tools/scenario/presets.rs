//! The ready-made scenarios the playground offers, the default first.

use super::Scenario;
use crate::model::Stage;

/// A ready-made scenario the playground offers.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    /// What the preset shows, in one sentence.
    pub about: &'static str,
    pub tasks: &'static [(&'static str, Stage)],
}

impl Preset {
    /// The preset's tasks, all pending.
    pub fn scenario(&self) -> Scenario {
        Scenario::pending(self.tasks.iter().copied())
    }

    /// The preset with this id.
    pub fn find(id: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.id == id)
    }
}

use Stage::{
    Main, PoststartEphemeral, PoststartSidecar, Poststop, PrestartEphemeral, PrestartSidecar,
};

/// The presets, the default (`full`) first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "full",
        title: "Every hook",
        about: "An init task, a proxy sidecar, two main tasks, a warm-up, a log shipper and a cleanup: every gate at work.",
        tasks: &[
            ("init", PrestartEphemeral),
            ("proxy", PrestartSidecar),
            ("web", Main),
            ("api", Main),
            ("warm-cache", PoststartEphemeral),
            ("log-shipper", PoststartSidecar),
            ("cleanup", Poststop),
        ],
    },
    Preset {
        id: "main-only",
        title: "Only a main task",
        about: "No lifecycle block at all: the main gate opens as soon as the task is pending.",
        tasks: &[("web", Main)],
    },
    Preset {
        id: "init",
        title: "Prestart init + main",
        about: "A migration must exit successfully before the main task may start.",
        tasks: &[("migrate", PrestartEphemeral), ("web", Main)],
    },
    Preset {
        id: "service-mesh",
        title: "Sidecar proxy + main",
        about: "Service-mesh style: the proxy sidecar must be running before the main task starts, and keeps running beside it.",
        tasks: &[("connect-proxy", PrestartSidecar), ("web", Main)],
    },
    Preset {
        id: "poststart",
        title: "Main + poststart tasks",
        about: "A log shipper sidecar and a cache warm-up start once the main task has started.",
        tasks: &[
            ("web", Main),
            ("log-shipper", PoststartSidecar),
            ("warm-cache", PoststartEphemeral),
        ],
    },
    Preset {
        id: "poststop",
        title: "Main + poststop cleanup",
        about: "The cleanup task waits until every other task is dead.",
        tasks: &[("batch", Main), ("cleanup", Poststop)],
    },
];

/// The preset shown by default, and instead of a bad share link.
pub fn default_preset() -> &'static Preset {
    &PRESETS[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskSpec;
    use crate::Coordinator;

    #[test]
    fn every_preset_is_a_valid_group_with_a_unique_id() {
        assert!(PRESETS.len() >= 5);
        for preset in PRESETS {
            let scenario = preset.scenario();
            assert!(
                Coordinator::new(scenario.tasks.clone()).is_ok(),
                "{}",
                preset.id
            );
            assert!(scenario.all_pending());
            assert_eq!(Preset::find(preset.id).map(|p| p.id), Some(preset.id));
            for (name, stage) in preset.tasks {
                assert_eq!(TaskSpec::in_stage(*name, *stage).stage(), *stage);
            }
        }
        assert_eq!(default_preset().id, "full");
    }
}
