//! The few browser facts the playground needs: the URL hash (share links)
//! and its changes. Every call tolerates a missing window (never panics).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The URL hash without `#`, if there is one.
pub fn hash() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#').unwrap_or(&hash).to_owned();
    (!hash.is_empty()).then_some(hash)
}

/// Replaces the URL hash without adding a history entry or firing `hashchange`.
pub fn set_hash(hash: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{hash}")),
        );
    }
}

/// The page's URL with `hash`, for the share field.
pub fn share_url(hash: &str) -> String {
    let base = window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    format!("{base}#{hash}")
}

/// Calls `f` whenever the user changes the hash; keep the returned closure alive.
pub fn on_hash_change(f: impl FnMut() + 'static) -> Option<Closure<dyn FnMut()>> {
    let closure = Closure::<dyn FnMut()>::new(f);
    window()?
        .add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref())
        .ok()?;
    Some(closure)
}

/// Calls `f` once the next frame has been painted: from a task queued by
/// that frame's animation callback, which runs just before its style,
/// layout and paint. (Never without a window.)
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    let Some(w) = window() else {
        return;
    };
    let queue = Closure::once_into_js(move || {
        if let Some(w) = window() {
            let task = Closure::once_into_js(f);
            let _ = w.set_timeout_with_callback(task.unchecked_ref());
        }
    });
    let _ = w.request_animation_frame(queue.unchecked_ref());
}

/// Whether the page was opened with `?embed` (the compact view for iframes).
pub fn is_embed() -> bool {
    window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| {
            q.trim_start_matches('?')
                .split('&')
                .any(|p| p == "embed" || p.starts_with("embed="))
        })
}

/// Offers `content` as a file download named `name`.
pub fn download(name: &str, mime: &str, content: &str) {
    let _ = try_download(name, mime, content);
}

fn try_download(name: &str, mime: &str, content: &str) -> Option<()> {
    let document = window()?.document()?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(content));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).ok()
}

/// The markup of the first element matching `selector` (an SVG to export).
pub fn outer_html(selector: &str) -> Option<String> {
    let element = window()?.document()?.query_selector(selector).ok()??;
    Some(element.outer_html())
}

/// Downloads the element matching `selector` (an SVG) as `name`.
pub fn download_svg(selector: &str, name: &str) {
    if let Some(svg) = outer_html(selector) {
        download(name, "image/svg+xml", &svg);
    }
}

/// The lesson the URL asks for: `#learn/<id>`, or `?lesson=<id>` (embeds).
pub fn lesson() -> Option<String> {
    if let Some(id) = hash().as_deref().and_then(|h| h.strip_prefix("learn/")) {
        return Some(id.to_owned());
    }
    let query = window()?.location().search().ok()?;
    query
        .trim_start_matches('?')
        .split('&')
        .find_map(|p| p.strip_prefix("lesson="))
        .map(str::to_owned)
}

const PROGRESS_KEY: &str = "tasklifecycle-learn";

/// The Learn tour's progress as stored (empty if none, or no storage).
pub fn stored_progress() -> String {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .unwrap_or_default()
}

/// Keeps the tour's progress for the next visit (silently not, without storage).
pub fn store_progress(progress: &str) {
    if let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(PROGRESS_KEY, progress);
    }
}
