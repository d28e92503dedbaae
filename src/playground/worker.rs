//! The page's side of the import worker (see `crate::import_worker`): started
//! on first use, it takes [`ImportRequest`]s and calls back with each reply.
//! Requests wait in a queue until the worker says it is listening.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::import_worker::{strings, to_js};
use crate::tools::import::{ImportReply, ImportRequest};

/// Trunk names a worker's loader after its binary; it sits beside the page.
const LOADER: &str = "./import-worker_loader.js";

pub struct ImportWorker {
    worker: Worker,
    /// Requests posted before the worker was ready; `None` once it is.
    waiting: Rc<RefCell<Option<Vec<JsValue>>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl ImportWorker {
    /// Starts the worker; `on_reply` hears each reply, in request order.
    pub fn start(on_reply: impl Fn(Result<ImportReply, String>) + 'static) -> Result<Self, String> {
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
        Ok(ImportWorker {
            worker,
            waiting,
            _on_message: on_message,
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
