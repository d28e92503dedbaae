//! The coordinator as ASCII art, in the style of the diagrams in Nomad's
//! package documentation: boxes of `┌─┐│└┘`, solid lines from open gates,
//! dashed (`╷`, `╶`) from closed ones. For docs, terminals and issues.

use crate::model::{Stage, StageSet, TaskSpec, TaskState};
use crate::phase::Phase;
use crate::Coordinator;

const SOLID_H: &str = "─";
const SOLID_V: &str = "│";
const DASH_V: &str = "╷";

/// `n` cells of a horizontal line, solid or dashed (`╶` every other cell).
fn hline(n: usize, open: bool) -> String {
    (0..n)
        .map(|i| {
            if open || i % 2 == 0 {
                if open {
                    SOLID_H
                } else {
                    "╶"
                }
            } else {
                " "
            }
        })
        .collect()
}

/// A box of `width` inner cells around `lines`, left-aligned.
fn boxed(lines: &[String], width: usize, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut out = vec![format!("{pad}┌{}┐", SOLID_H.repeat(width))];
    for line in lines {
        let len = line.chars().count();
        out.push(format!(
            "{pad}│{line}{}│",
            " ".repeat(width.saturating_sub(len))
        ));
    }
    out.push(format!("{pad}└{}┘", SOLID_H.repeat(width)));
    out
}

/// What the drawing shows of a coordinator: its phase, tasks, their states,
/// and which gates are open.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    pub phase: Phase,
    pub tasks: &'a [TaskSpec],
    pub states: &'a [TaskState],
    /// The open gates (a shut-down coordinator's gates stay as they were).
    pub open: StageSet,
}

/// Renders the coordinator's phase, its gates and the task runners behind them.
pub fn render(coordinator: &Coordinator) -> String {
    let states = coordinator.task_states();
    let open = coordinator
        .stages()
        .iter()
        .filter(|&s| coordinator.gate(s).is_some_and(|g| g.is_open()))
        .collect();
    render_snapshot(&Snapshot {
        phase: coordinator.phase(),
        tasks: coordinator.tasks(),
        states: &states,
        open,
    })
}

/// Renders a [`Snapshot`]: the gates of the stages that have tasks.
pub fn render_snapshot(snapshot: &Snapshot) -> String {
    let Snapshot {
        phase,
        tasks,
        states,
        open: open_gates,
    } = *snapshot;
    let mut out: Vec<String> = vec![
        "┌──────────────┐".into(),
        "│ ALLOC RUNNER │".into(),
        "└──────┬───────┘".into(),
        "       │ task state".into(),
    ];
    let title = format!(" Current state: {phase}");
    let width = 30usize.max(title.chars().count() + 2);
    let mut coord = boxed(&[title, " COORDINATOR".into()], width, 0);
    // The feed arrives on top; the control bus leaves at the bottom left.
    coord[0] = format!("┌──────▼{}┐", SOLID_H.repeat(width - 7));
    let last = coord.len() - 1;
    coord[last] = format!("└─┬{}┘", SOLID_H.repeat(width - 2));
    out.extend(coord);
    out.push("  │ Open/Close".into());

    let present: StageSet = tasks.iter().map(TaskSpec::stage).collect();
    let stages: Vec<Stage> = present.iter().collect();
    for (g, &stage) in stages.iter().enumerate() {
        let open = open_gates.contains(stage);
        let last_gate = g + 1 == stages.len();
        let bus = if last_gate { " " } else { SOLID_V };
        let state = if open { "open" } else { "closed" };
        out.push(format!("  {SOLID_V}   ┌──────┐"));
        out.push(format!(
            "  {}{}┤ GATE ├{} {stage}: {state}",
            if last_gate { "└" } else { "├" },
            hline(3, open),
            hline(2, open)
        ));
        out.push(format!("  {bus}   └──┬───┘"));
        let members: Vec<usize> = (0..tasks.len())
            .filter(|&i| tasks[i].stage() == stage)
            .collect();
        let v = if open { SOLID_V } else { DASH_V };
        for (k, &i) in members.iter().enumerate() {
            let corner = match (k + 1 == members.len(), open) {
                (true, true) => "└",
                (false, true) => "├",
                (true, false) => "╵",
                (false, false) => DASH_V,
            };
            let state = states[i];
            out.push(format!(
                "  {bus}      {corner}{}┤ TASK RUNNER │ {} ({state})",
                hline(4, open),
                tasks[i].name
            ));
            if k + 1 < members.len() {
                out.push(format!("  {bus}      {v}"));
            }
        }
    }
    let mut text = out
        .into_iter()
        .map(|l| l.trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TaskSpec, TaskState};

    #[test]
    fn open_lines_are_solid_and_closed_ones_dashed() {
        let c = Coordinator::new([TaskSpec::prestart("init"), TaskSpec::main("web")]).unwrap();
        c.task_state_updated([
            ("init", TaskState::pending()),
            ("web", TaskState::pending()),
        ])
        .unwrap();
        let art = render(&c);
        assert!(art.contains("Current state: prestart"), "{art}");
        assert!(
            art.contains("├───┤ GATE ├── prestart-ephemeral: open"),
            "{art}"
        );
        assert!(art.contains("└╶ ╶┤ GATE ├╶  main: closed"), "{art}");
        assert!(art.contains("└────┤ TASK RUNNER │ init (pending)"), "{art}");
        assert!(art.contains("╵╶ ╶ ┤ TASK RUNNER │ web (pending)"), "{art}");
    }
}
