//! The playground ships as two builds of one app (see index.html): the first
//! load without run mode, and `playground-run` with it (the `run-mode`
//! feature: the simulator, the run panel and the timeline, 29 KB gzipped).
//! When the first build is asked to show run mode, its URL hash already is
//! the page's share link, which carries the scenario, its history and how it
//! runs; it marks its page busy and inert, keeps what the link leaves out
//! ([`Carried`]) in the session's storage, and loads the second build, which
//! renders in its place and reads both.

/// The element the app renders into; the run build's replaces the first's.
const ROOT_ID: &str = "playground";
/// Session storage keys of [`Carried`]'s fields, in its order.
const KEYS: [&str; 5] = [
    "tasklifecycle-handover-job",
    "tasklifecycle-handover-alloc",
    "tasklifecycle-handover-preset",
    "tasklifecycle-handover-notes",
    "tasklifecycle-handover-answered",
];

/// What the page holds that its link does not: the import panel's texts
/// (too long for a link), what the import that asked for run mode skipped
/// and how many replies the panel has had, and the preset shown (a link
/// names no preset).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Carried {
    pub job_text: String,
    pub alloc_text: String,
    /// Empty for none.
    pub preset: String,
    pub notes: Vec<String>,
    pub answered: u64,
}

impl Carried {
    /// The values stored under [`KEYS`]. A note may hold any character a
    /// job's name does: each is percent-encoded (no control character, so
    /// no line break, is left) and they are kept one to a line.
    #[cfg_attr(feature = "run-mode", allow(dead_code))]
    fn to_values(&self) -> [String; 5] {
        const NOTE_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b'%');
        let notes: Vec<String> = self
            .notes
            .iter()
            .map(|n| percent_encoding::utf8_percent_encode(n, NOTE_ESCAPES).to_string())
            .collect();
        [
            self.job_text.clone(),
            self.alloc_text.clone(),
            self.preset.clone(),
            notes.join("\n"),
            self.answered.to_string(),
        ]
    }

    /// Back from [`Carried::to_values`]; none without the job text (nothing
    /// was carried). A value that does not read (edited by hand) is left
    /// out rather than trusted.
    #[cfg_attr(not(feature = "run-mode"), allow(dead_code))]
    fn from_values([job, alloc, preset, notes, answered]: [Option<String>; 5]) -> Option<Carried> {
        let notes = notes.unwrap_or_default();
        Some(Carried {
            job_text: job?,
            alloc_text: alloc.unwrap_or_default(),
            preset: preset.unwrap_or_default(),
            // No note is empty: an empty line is none (and no notes, "").
            notes: notes
                .split('\n')
                .filter(|n| !n.is_empty())
                .filter_map(|n| percent_encoding::percent_decode_str(n).decode_utf8().ok())
                .map(|n| n.into_owned())
                .collect(),
            answered: answered.and_then(|a| a.parse().ok()).unwrap_or(0),
        })
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Renders the app into a new root element (`data-build`: `first` or `run`),
/// in place of the first build's root if it is there.
pub fn mount<C: yew::BaseComponent<Properties = ()>>() {
    let Some(document) = document() else {
        return;
    };
    let Ok(root) = document.create_element("div") else {
        return;
    };
    root.set_id(ROOT_ID);
    let build = if cfg!(feature = "run-mode") {
        "run"
    } else {
        "first"
    };
    let _ = root.set_attribute("data-build", build);
    let placed = match document.get_element_by_id(ROOT_ID) {
        Some(first) => first.replace_with_with_node_1(&root).is_ok(),
        None => document
            .body()
            .is_some_and(|body| body.append_child(&root).is_ok()),
    };
    if placed {
        yew::Renderer::<C>::with_root(root).render();
    }
}

/// What the first build carried over, taken once (none on a page load).
#[cfg(feature = "run-mode")]
pub fn take_carried() -> Option<Carried> {
    let storage = session()?;
    Carried::from_values(KEYS.map(|key| {
        let value = storage.get_item(key).ok().flatten();
        let _ = storage.remove_item(key);
        value
    }))
}

/// Marks the page busy and inert, keeps `carried` and loads the run build, which then takes the page over; if its script or wasm
/// cannot be loaded (offline, say), the page is live again and `failed` is
/// called. Relative URLs, like every asset's, so a playground served from a
/// docs site's subfolder finds it.
#[cfg(not(feature = "run-mode"))]
pub fn load_run_build(carried: &Carried, failed: impl Fn() + Clone + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    if let Some(storage) = session() {
        for (key, value) in KEYS.iter().zip(carried.to_values()) {
            let _ = storage.set_item(key, &value);
        }
    }
    set_busy(true);
    let failed = move || {
        set_busy(false);
        if let Some(storage) = session() {
            for key in KEYS {
                let _ = storage.remove_item(key);
            }
        }
        failed();
    };
    let document = document();
    let script = document
        .as_ref()
        .and_then(|d| d.create_element("script").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlScriptElement>().ok());
    let (Some(script), Some(head)) = (script, document.and_then(|d| d.head())) else {
        return failed();
    };
    script.set_src("./playground-run.js");
    let on_error = Closure::once_into_js(failed.clone());
    script.set_onerror(Some(on_error.unchecked_ref()));
    let start_failed = failed.clone();
    let start = Closure::once_into_js(move || {
        // wasm-bindgen's no-modules glue declares `wasm_bindgen` with a
        // top-level `let`: a global binding, not a property of `window`, so
        // it is named from a function's body.
        let init = js_sys::Function::new_no_args(
            "return wasm_bindgen({ module_or_path: './playground-run_bg.wasm' })",
        );
        match init.call0(&wasm_bindgen::JsValue::NULL) {
            Ok(started) => {
                let on_error = Closure::once(move |_: wasm_bindgen::JsValue| start_failed());
                let _ = js_sys::Promise::from(started).catch(&on_error);
                on_error.forget();
            }
            Err(_) => start_failed(),
        }
    });
    script.set_onload(Some(start.unchecked_ref()));
    if head.append_child(&script).is_err() {
        failed();
    }
}

/// `aria-busy` and `inert` on the first build's root while the run build
/// loads: nothing typed or clicked there would reach the run build.
#[cfg(not(feature = "run-mode"))]
fn set_busy(busy: bool) {
    let Some(root) = document().and_then(|d| d.get_element_by_id(ROOT_ID)) else {
        return;
    };
    for (name, value) in [("aria-busy", "true"), ("inert", "")] {
        let _ = match busy {
            true => root.set_attribute(name, value),
            false => root.remove_attribute(name),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_survives_session_storage() {
        let carried = Carried {
            job_text: "job \"j\" {}".into(),
            alloc_text: String::new(),
            preset: "init-retry".into(),
            notes: vec![
                "job `a\nb`: `dynamic` block ignored".into(),
                "100% of `é`".into(),
            ],
            answered: 3,
        };
        let values = carried.to_values();
        assert!(!values[3].contains("a\nb"), "one note to a line");
        assert_eq!(Carried::from_values(values.map(Some)), Some(carried));
        assert_eq!(
            Carried::from_values(Default::default()),
            None,
            "nothing carried"
        );
        let mut odd: [Option<String>; 5] = Default::default();
        odd[0] = Some("job".into());
        odd[3] = Some("%FF\nkept".into());
        odd[4] = Some("many".into());
        let read = Carried::from_values(odd).unwrap();
        assert_eq!((read.notes, read.answered), (vec!["kept".to_owned()], 0));
    }
}
