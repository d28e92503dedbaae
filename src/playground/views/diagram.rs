//! The live diagram, after the two in Nomad's package documentation: the
//! alloc runner feeds task states to the coordinator, which opens and closes
//! one gate per stage; each gate is wired to the task runners of its stage.
//! Open gates and their lines are solid, closed ones dashed.

use std::rc::Rc;

use yew::prelude::*;

use crate::playground::{RunnerStatus, TaskView};
use crate::{Phase, Stage};

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub phase: Phase,
    /// The stages that have tasks, and whether each gate is open.
    pub gates: Rc<Vec<(Stage, bool)>>,
    pub runners: Rc<Vec<TaskView>>,
}

/// The diagram's own styles, inside the SVG so that an export is styled too.
pub const STYLE: &str = r#"
.diagram { width: 100%; min-width: 600px; height: auto; display: block; }
.diagram text { font-size: 13px; fill: #0f172a; font-family: ui-monospace, monospace; }
.diagram .small { font-size: 11px; } .diagram .muted { fill: #64748b; }
.diagram .title { font-weight: 700; letter-spacing: .08em; }
.diagram .phase-name { font-size: 18px; font-weight: 700; fill: #2563eb; }
.diagram .box rect, .diagram .gate rect, .diagram .runner-box rect { fill: #fff; stroke: #0f172a; stroke-width: 1.5; }
.diagram .feed, .diagram .control { stroke: #0f172a; stroke-width: 1.5; }
.diagram .arrowhead { fill: #0f172a; }
.diagram .wire { fill: none; stroke-width: 2; transition: stroke .35s ease, stroke-dasharray .35s ease, opacity .35s ease; }
.diagram .wire.open { stroke: #15803d; stroke-dasharray: none; }
.diagram .wire.closed { stroke: #94a3b8; stroke-dasharray: 6 5; }
.diagram .gate rect { transition: fill .35s ease, stroke .35s ease; }
.diagram .gate.open rect { fill: #dcfce7; stroke: #15803d; }
.diagram .gate.closed rect { stroke-dasharray: 5 4; stroke: #94a3b8; }
.diagram .runner-box rect.running { fill: #eff6ff; }
.diagram .runner-box rect.dead { fill: #f1f5f9; }
.diagram .runner-box.waiting rect { stroke-dasharray: 5 4; }
@media (prefers-reduced-motion: reduce) { .diagram .wire, .diagram .gate rect { transition: none; } }
@media (prefers-color-scheme: dark) {
  .diagram .bg { fill: #0f172a; }
  .diagram text { fill: #e2e8f0; } .diagram .muted { fill: #94a3b8; } .diagram .phase-name { fill: #93c5fd; }
  .diagram .box rect, .diagram .gate rect, .diagram .runner-box rect { fill: #1e293b; stroke: #cbd5e1; }
  .diagram .feed, .diagram .control { stroke: #cbd5e1; } .diagram .arrowhead { fill: #cbd5e1; }
  .diagram .wire.open { stroke: #4ade80; } .diagram .wire.closed { stroke: #94a3b8; }
  .diagram .gate.open rect { fill: #14532d; stroke: #4ade80; } .diagram .gate.closed rect { stroke: #94a3b8; }
  .diagram .runner-box rect.running { fill: #1e3a8a; } .diagram .runner-box rect.dead { fill: #334155; }
}
"#;

// Whole-pixel coordinates: no float ever gets formatted (that code is big in wasm).
const WIDTH: i32 = 800;
const COORD: (i32, i32, i32, i32) = (20, 100, 470, 120);
const GATE_Y: i32 = 290;
const GATE_W: i32 = 56;
const GATE_H: i32 = 32;
const RUNNER_X: i32 = 590;
const RUNNER_W: i32 = 190;
const RUNNER_H: i32 = 58;
const RUNNER_GAP: i32 = 12;

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
    let n = props.gates.len().max(1) as i32;
    let gate_x = |i: usize| cx + 10 + (cw - 20) * (2 * i as i32 + 1) / (2 * n);
    let runner_y = |i: usize| 16 + i as i32 * (RUNNER_H + RUNNER_GAP);
    let height = (runner_y(props.runners.len()) + 10).max(GATE_Y + GATE_H + 50);
    let gate_index = |stage: Stage| props.gates.iter().position(|(s, _)| *s == stage);

    html! {
        <svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {WIDTH} {height}")} role="img"
            aria-label={format!("Diagram: the coordinator is in {}; {} of {} gates open",
                props.phase, props.gates.iter().filter(|(_, o)| *o).count(), props.gates.len())}>
            <style>{ STYLE }</style>
            // Its own background, so an exported SVG reads on a dark page too.
            <rect class="bg" x="0" y="0" width={WIDTH.to_string()} height={height.to_string()} fill="#ffffff" />
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
            <line x1="95" y1="62" x2="95" y2={(cy - 2).to_string()} class="feed" marker-end="url(#arrow)" />
            <text x="103" y="86" class="small">{ "task state" }</text>
            <g class="box coordinator" data-phase={props.phase.as_str()}>
                <rect x={cx.to_string()} y={cy.to_string()} width={cw.to_string()} height={ch.to_string()} rx="4" />
                <text x={(cx + 12).to_string()} y={(cy + 22).to_string()} class="small">{ "Current state:" }</text>
                <text x={(cx + 12).to_string()} y={(cy + 44).to_string()} class="phase-name">{ props.phase.as_str() }</text>
                <text x={(cx + cw / 2).to_string()} y={(cy + 78).to_string()} text-anchor="middle" class="title">{ "COORDINATOR" }</text>
            </g>
            // Gates, with their Open/Close control lines.
            { for props.gates.iter().enumerate().map(|(i, &(stage, open))| {
                let x = gate_x(i);
                let (l1, l2) = stage_label(stage);
                html! {
                    <g class={classes!("gate", if open { "open" } else { "closed" })}
                        data-gate={stage.as_str()} data-open={open.to_string()}>
                        // The coordinator's Open/Close line is always drawn: only a
                        // gate's line to its runners shows whether it is open.
                        <line x1={x.to_string()} y1={(cy + ch).to_string()} x2={x.to_string()} y2={GATE_Y.to_string()}
                            class="control" marker-end="url(#arrow)" />
                        <rect x={(x - GATE_W / 2).to_string()} y={GATE_Y.to_string()} width={GATE_W.to_string()} height={GATE_H.to_string()} rx="3" />
                        <text x={x.to_string()} y={(GATE_Y + 21).to_string()} text-anchor="middle">{ "GATE" }</text>
                        <text x={x.to_string()} y={(GATE_Y + GATE_H + 14).to_string()} text-anchor="middle" class="small">{ l1 }</text>
                        <text x={x.to_string()} y={(GATE_Y + GATE_H + 27).to_string()} text-anchor="middle" class="small">{ l2 }</text>
                    </g>
                }
            }) }
            <text x={(cx + 6).to_string()} y={(cy + ch + 20).to_string()} class="small muted">{ "Open/Close" }</text>
            // Task runners, each wired to its stage's gate.
            { for props.runners.iter().enumerate().map(|(i, task)| {
                let stage = task.spec.stage();
                let y = runner_y(i);
                let open = props.gates.iter().any(|(s, o)| *s == stage && *o);
                let wire = gate_index(stage).map(|g| {
                    let (gx, gy) = (gate_x(g) + GATE_W / 2, GATE_Y + GATE_H / 2);
                    let ty = y + RUNNER_H / 2;
                    format!("M {gx} {gy} C {} {gy}, {} {ty}, {RUNNER_X} {ty}", gx + 60, RUNNER_X - 60)
                });
                html! {
                    <g class={classes!("runner-box", task.status().class())}
                        data-task={task.spec.name.clone()} data-status={task.status().class()}
                        data-waiting={(task.status() == RunnerStatus::Waiting).to_string()}
                        data-state={task.state.state.as_str()}>
                        if let Some(d) = wire {
                            <path d={d} class={line_class(open)} data-wire={stage.as_str()} />
                        }
                        <rect x={RUNNER_X.to_string()} y={y.to_string()} width={RUNNER_W.to_string()} height={RUNNER_H.to_string()} rx="4"
                            class={task.state.state.as_str()} />
                        <text x={(RUNNER_X + 10).to_string()} y={(y + 16).to_string()} class="small muted">
                            { "TASK RUNNER" }
                        </text>
                        <text x={(RUNNER_X + 10).to_string()} y={(y + 34).to_string()} class="task-name">
                            { truncate(&task.spec.name, 22) }
                        </text>
                        <text x={(RUNNER_X + 10).to_string()} y={(y + 50).to_string()} class="small">
                            { task.status().label() }
                        </text>
                    </g>
                }
            }) }
        </svg>
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
