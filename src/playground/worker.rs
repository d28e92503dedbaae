//! The page's side of the import worker (see `crate::import_worker`): started
//! on first use, it takes [`ImportRequest`]s and calls back with each reply.
//! Requests wait in a queue until the worker says it is listening. A worker
//! that stops (its script cannot be fetched, its wasm fails, a parser traps)
//! says so once, so the page never waits on an answer that cannot come.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::import_worker::{strings, to_js};
use crate::tools::import::{ImportReply, ImportRequest};

/// The worker's loader (assets/import-worker_loader.js); it sits beside the page.
const LOADER: &str = "./import-worker_loader.js";

pub struct ImportWorker {
    worker: Worker,
    /// Requests posted before the worker was ready; `None` once it is.
    waiting: Rc<RefCell<Option<Vec<JsValue>>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl ImportWorker {
    /// Starts the worker; `on_reply` hears each reply, in request order, and
    /// `on_lost` why the worker stopped (after which it answers nothing: the
    /// owner drops it, and starts another for the next request).
    pub fn start(
        on_reply: impl Fn(Result<ImportReply, String>) + 'static,
        on_lost: impl Fn(String) + 'static,
    ) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        let worker = Worker::new_with_options(LOADER, &options)
            .map_err(|e| format!("the import worker did not start: {e:?}"))?;
        let waiting: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let (queue, target) = (Rc::clone(&waiting), worker.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match ImportReply::from_wire(strings(&event.data())) {
                Ok(ImportReply::Ready) => {
                    for request in queue.borrow_mut().take().unwrap_or_default() {
                        let _ = target.post_message(&request);
                    }
                }
                Ok(reply) => on_reply(Ok(reply)),
                Err(e) => on_reply(Err(e.to_string())),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            // A script that could not be fetched fires a plain `Event`;
            // an uncaught exception, an `ErrorEvent` with its message.
            let why = match event.dyn_ref::<ErrorEvent>().map(|e| e.message()) {
                Some(message) if !message.is_empty() => message,
                _ => "its script could not be loaded (is the page offline?)".into(),
            };
            on_lost(format!("the import worker stopped: {why}"));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(ImportWorker {
            worker,
            waiting,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends `request` now, or as soon as the worker is listening.
    pub fn post(&self, request: &ImportRequest) -> Result<(), String> {
        let value = to_js(&request.to_wire());
        if let Some(queue) = self.waiting.borrow_mut().as_mut() {
            queue.push(value);
            return Ok(());
        }
        self.worker
            .post_message(&value)
            .map_err(|e| format!("the import worker is unreachable: {e:?}"))
    }
}

impl Drop for ImportWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
