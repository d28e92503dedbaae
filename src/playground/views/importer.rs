//! Nomad input: paste or upload a jobspec (HCL or JSON) and pick its task
//! group; paste an allocation's JSON to apply its task states via restore.

use std::rc::Rc;

use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    pub job_text: String,
    pub alloc_text: String,
    /// The last import's error (with line and column for HCL syntax errors).
    pub error: Option<String>,
    /// What the last import skipped.
    pub notes: Rc<Vec<String>>,
    /// The task groups to choose from, when a job has several.
    pub groups: Option<Rc<Vec<String>>>,
    /// Replies handled so far, and whether a request is in flight.
    pub answered: u64,
    pub busy: bool,
    /// The panel got focus (starts the worker ahead of use).
    pub on_warm: Callback<()>,
    pub on_job_text: Callback<String>,
    pub on_import: Callback<()>,
    pub on_group: Callback<usize>,
    pub on_alloc_text: Callback<String>,
    pub on_apply_alloc: Callback<()>,
}

fn text_input(cb: &Callback<String>) -> Callback<InputEvent> {
    let cb = cb.clone();
    Callback::from(move |e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        cb.emit(area.value());
    })
}

#[function_component]
pub fn Importer(props: &ImportProps) -> Html {
    let on_job_text = props.on_job_text.clone();
    let on_import = props.on_import.clone();
    let upload = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let on_job_text = on_job_text.clone();
        let on_import = on_import.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(text) = JsFuture::from(file.text()).await {
                on_job_text.emit(text.as_string().unwrap_or_default());
                on_import.emit(());
            }
        });
    });
    let import = props.on_import.clone();
    let apply = props.on_apply_alloc.clone();
    let on_group = props.on_group.clone();
    let chosen = use_state(|| 0usize);
    let choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            chosen.set(select.value().parse().unwrap_or(0));
        })
    };
    let pick = {
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| on_group.emit(*chosen))
    };
    let warm = props.on_warm.clone();
    html! {
        <div class="import" onfocusin={move |_| warm.emit(())}
            data-import-answered={props.answered.to_string()} aria-busy={props.busy.to_string()}>
            <label for="jobspec">{ "Nomad jobspec (HCL, or JSON from " }<code>{ "nomad job inspect" }</code>{ ")" }</label>
            <textarea id="jobspec" data-import="jobspec" rows="6" spellcheck="false"
                placeholder={"job \"web\" {\n  group \"web\" {\n    task \"init\" {\n      lifecycle { hook = \"prestart\" }\n    }\n    task \"web\" {}\n  }\n}"}
                value={props.job_text.clone()} oninput={text_input(&props.on_job_text)} />
            <div class="import-actions">
                <button type="button" data-import="job" onclick={move |_| import.emit(())}>{ "Import tasks" }</button>
                <label class="upload">{ "or upload a file " }
                    <input type="file" accept=".hcl,.nomad,.json,text/plain,application/json" onchange={upload} />
                </label>
            </div>
            if let Some(groups) = &props.groups {
                <div class="group-pick" role="group" aria-label="Task group">
                    <label for="group">{ "This job has several task groups: " }</label>
                    <select id="group" data-import="group" onchange={choose}>
                        { for groups.iter().enumerate().map(|(i, g)| html! {
                            <option value={i.to_string()} selected={i == *chosen}>{ g }</option>
                        }) }
                    </select>
                    <button type="button" data-import="use-group" onclick={pick}>{ "Use this group" }</button>
                </div>
            }
            if let Some(error) = &props.error {
                <p class="import-error" role="alert" data-import-error="">{ error }</p>
            }
            if !props.notes.is_empty() {
                <ul class="import-notes" data-import-notes="">
                    { for props.notes.iter().map(|n| html! { <li>{ n }</li> }) }
                </ul>
            }
            <label for="allocation">{ "Allocation JSON (" }<code>{ "/v1/allocation/:id" }</code>{ "): its task states are applied via restore" }</label>
            <textarea id="allocation" data-import="allocation" rows="4" spellcheck="false"
                value={props.alloc_text.clone()} oninput={text_input(&props.on_alloc_text)} />
            <button type="button" data-import="apply-allocation" onclick={move |_| apply.emit(())}>{ "Apply task states" }</button>
        </div>
    }
}
