//! Error collection: every mistake in a function is reported in one compile.

use proc_macro2::Span;
use std::cell::RefCell;
use std::fmt::Display;

/// Gathers errors while the stages run, so that one bad token does not hide
/// the next one.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// Records an error spanning `tokens` (first to last token).
    pub fn error_spanned(&self, tokens: impl quote::ToTokens, msg: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens, msg));
    }

    /// Records an error already made.
    pub fn push(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// Records an error at one span.
    pub fn error_at(&self, span: Span, msg: impl Display) {
        self.errors.borrow_mut().push(syn::Error::new(span, msg));
    }

    /// How many errors there are, to forget those of an attempt that is
    /// repeated (see [`Ctxt::forget_since`]).
    pub fn mark(&self) -> usize {
        self.errors.borrow().len()
    }

    pub fn forget_since(&self, mark: usize) {
        self.errors.borrow_mut().truncate(mark);
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.borrow().is_empty()
    }

    /// All errors as one, or `Ok` if there were none.
    pub fn finish(self) -> Result<(), syn::Error> {
        let mut all = self.errors.into_inner().into_iter();
        match all.next() {
            None => Ok(()),
            Some(mut first) => {
                first.extend(all);
                Err(first)
            }
        }
    }
}
