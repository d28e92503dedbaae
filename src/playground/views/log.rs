//! The event log: every report (what, and who made it: you, "apply", the
//! page or the simulator), the phase change and gates it moved, grouped by
//! the coordinator that heard it (each load starts a new one).

use std::rc::Rc;

use yew::prelude::*;

use crate::playground::state::LogEntry;

#[derive(PartialEq)]
pub struct EventLogProps {
    pub entries: Rc<Vec<LogEntry>>,
}

fn stages(set: crate::StageSet) -> String {
    set.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A plain view function, not a component: it re-renders with the page anyway,
/// and every component type costs wasm size.
pub fn event_log(props: &EventLogProps) -> Html {
    html! {
        <ol class="log" aria-live="polite" reversed=true tabindex="0" aria-label="Event log, newest first">
            { for props.entries.iter().enumerate().rev().map(|(k, entry)| {
                // The oldest entry of a coordinator's group (its load) closes the group.
                let first = k == 0 || props.entries[k - 1].scenario != entry.scenario;
                html! {
                <li key={entry.seq} data-seq={entry.seq.to_string()} data-who={entry.who.label()}
                    data-scenario={entry.scenario.to_string()}
                    class={classes!(first.then_some("scenario-start"))}>
                    <span class="who">{ entry.who.label() }</span>{ " " }
                    <span class="cause">{ &entry.cause }</span>
                    if let Some(t) = entry.transition {
                        <span class="phase-change">
                            { format!(" — {}", t.from) }
                            // Phases passed through in the same update are said too.
                            { for t.from.passed_through(t.to).into_iter().map(|p| format!(" → {p}")) }
                            { format!(" → {}", t.to) }
                        </span>
                        if !t.opened.is_empty() {
                            <span class="opened">{ format!("; opened {}", stages(t.opened)) }</span>
                        }
                        if !t.closed.is_empty() {
                            <span class="closed">{ format!("; closed {}", stages(t.closed)) }</span>
                        }
                    }
                </li>
            }}) }
        </ol>
    }
}
