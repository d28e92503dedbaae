//! The live diagram, after the two in Nomad's package documentation: the
//! alloc runner feeds task states to the coordinator, which opens and closes
//! one gate per stage; each gate is wired to the task runners of its stage.
//! Open gates and their lines are solid, closed ones dashed.

use std::rc::Rc;

use yew::prelude::*;

use super::TaskView;
use crate::{Phase, Stage};

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub phase: Phase,
    /// The stages that have tasks, and whether each gate is open.
    pub gates: Rc<Vec<(Stage, bool)>>,
    pub runners: Rc<Vec<TaskView>>,
}

const WIDTH: f64 = 800.0;
const COORD: (f64, f64, f64, f64) = (20.0, 100.0, 470.0, 120.0);
const GATE_Y: f64 = 290.0;
const GATE_W: f64 = 56.0;
const GATE_H: f64 = 32.0;
const RUNNER_X: f64 = 590.0;
const RUNNER_W: f64 = 190.0;
const RUNNER_H: f64 = 46.0;
const RUNNER_GAP: f64 = 12.0;

/// Two short lines naming a stage under its gate.
fn stage_label(stage: Stage) -> (&'static str, &'static str) {
    match stage {
        Stage::PrestartEphemeral => ("prestart", "ephemeral"),
        Stage::PrestartSidecar => ("prestart", "sidecar"),
        Stage::Main => ("main", ""),
        Stage::PoststartEphemeral => ("poststart", "ephemeral"),
        Stage::PoststartSidecar => ("poststart", "sidecar"),
        Stage::Poststop => ("poststop", ""),
    }
}

fn line_class(open: bool) -> &'static str {
    if open {
        "wire open"
    } else {
        "wire closed"
    }
}

#[function_component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let (cx, cy, cw, ch) = COORD;
    let n = props.gates.len().max(1) as f64;
    let spacing = (cw - 20.0) / n;
    let gate_x = |i: usize| cx + 10.0 + spacing * (i as f64 + 0.5);
    let runner_y = |i: usize| 16.0 + i as f64 * (RUNNER_H + RUNNER_GAP);
    let height = (runner_y(props.runners.len()) + 10.0).max(GATE_Y + GATE_H + 50.0);
    let gate_index = |stage: Stage| props.gates.iter().position(|(s, _)| *s == stage);

    html! {
        <svg class="diagram" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
            aria-label={format!("Diagram: the coordinator is in {}; {} of {} gates open",
                props.phase, props.gates.iter().filter(|(_, o)| *o).count(), props.gates.len())}>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            // Alloc runner → coordinator.
            <g class="box alloc-runner">
                <rect x="20" y="16" width="150" height="46" rx="4" />
                <text x="95" y="36" text-anchor="middle">{ "ALLOC" }</text>
                <text x="95" y="52" text-anchor="middle">{ "RUNNER" }</text>
            </g>
            <line x1="95" y1="62" x2="95" y2={(cy - 2.0).to_string()} class="feed" marker-end="url(#arrow)" />
            <text x="103" y="86" class="small">{ "task state" }</text>
            <g class="box coordinator" data-phase={props.phase.as_str()}>
                <rect x={cx.to_string()} y={cy.to_string()} width={cw.to_string()} height={ch.to_string()} rx="4" />
                <text x={(cx + 12.0).to_string()} y={(cy + 22.0).to_string()} class="small">{ "Current state:" }</text>
                <text x={(cx + 12.0).to_string()} y={(cy + 44.0).to_string()} class="phase-name">{ props.phase.as_str() }</text>
                <text x={(cx + cw / 2.0).to_string()} y={(cy + 78.0).to_string()} text-anchor="middle" class="title">{ "COORDINATOR" }</text>
            </g>
            // Gates, with their Open/Close control lines.
            { for props.gates.iter().enumerate().map(|(i, &(stage, open))| {
                let x = gate_x(i);
                let (l1, l2) = stage_label(stage);
                html! {
                    <g class={classes!("gate", if open { "open" } else { "closed" })}
                        data-gate={stage.as_str()} data-open={open.to_string()}>
                        <line x1={x.to_string()} y1={(cy + ch).to_string()} x2={x.to_string()} y2={GATE_Y.to_string()}
                            class={line_class(open)} marker-end="url(#arrow)" />
                        <rect x={(x - GATE_W / 2.0).to_string()} y={GATE_Y.to_string()} width={GATE_W.to_string()} height={GATE_H.to_string()} rx="3" />
                        <text x={x.to_string()} y={(GATE_Y + 21.0).to_string()} text-anchor="middle">{ "GATE" }</text>
                        <text x={x.to_string()} y={(GATE_Y + GATE_H + 14.0).to_string()} text-anchor="middle" class="small">{ l1 }</text>
                        <text x={x.to_string()} y={(GATE_Y + GATE_H + 27.0).to_string()} text-anchor="middle" class="small">{ l2 }</text>
                    </g>
                }
            }) }
            <text x={(cx + 6.0).to_string()} y={(cy + ch + 20.0).to_string()} class="small muted">{ "Open/Close" }</text>
            // Task runners, each wired to its stage's gate.
            { for props.runners.iter().enumerate().map(|(i, task)| {
                let stage = task.spec.stage();
                let y = runner_y(i);
                let open = props.gates.iter().any(|(s, o)| *s == stage && *o);
                let wire = gate_index(stage).map(|g| {
                    let (gx, gy) = (gate_x(g) + GATE_W / 2.0, GATE_Y + GATE_H / 2.0);
                    let ty = y + RUNNER_H / 2.0;
                    format!("M {gx} {gy} C {} {gy}, {} {ty}, {RUNNER_X} {ty}", gx + 60.0, RUNNER_X - 60.0)
                });
                html! {
                    <g class={classes!("runner-box", if task.waiting { "waiting" } else { "admitted" })}
                        data-task={task.spec.name.clone()} data-waiting={task.waiting.to_string()}
                        data-state={task.state.state.as_str()}>
                        if let Some(d) = wire {
                            <path d={d} class={line_class(open)} data-wire={stage.as_str()} />
                        }
                        <rect x={RUNNER_X.to_string()} y={y.to_string()} width={RUNNER_W.to_string()} height={RUNNER_H.to_string()} rx="4"
                            class={task.state.state.as_str()} />
                        <text x={(RUNNER_X + 10.0).to_string()} y={(y + 17.0).to_string()} class="small muted">
                            { "TASK RUNNER" }
                        </text>
                        <text x={(RUNNER_X + RUNNER_W - 10.0).to_string()} y={(y + 17.0).to_string()} text-anchor="end" class="small">
                            { status_label(task) }{ if task.waiting { " · waits" } else { " · admitted" } }
                        </text>
                        <text x={(RUNNER_X + 10.0).to_string()} y={(y + 36.0).to_string()} class="task-name">
                            { truncate(&task.spec.name, 22) }
                        </text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn status_label(task: &TaskView) -> String {
    if task.state.failed {
        format!("{} ✗", task.state.state)
    } else {
        task.state.state.to_string()
    }
}

fn truncate(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
