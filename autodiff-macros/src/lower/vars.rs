//! Stage 3e: the variables visible while lowering, with the bookkeeping
//! that keeps lowering linear: a name finds its innermost binding through
//! a map, not a scan of every variable declared so far, and an `if` arm or
//! a loop body learns which variables it changed from a trail of the
//! assignments it made, not by comparing every variable.

use super::Value;
use std::collections::HashMap;
use syn::Ident;

pub struct Local {
    pub name: Ident,
    pub value: Value,
}

#[derive(Default)]
pub struct Vars {
    locals: Vec<Local>,
    /// For each name (without `r#`), the positions binding it, innermost last.
    by_name: HashMap<String, Vec<usize>>,
    /// Every assignment to a variable: its position and the value it had.
    trail: Vec<(usize, Value)>,
}

/// `r#x` and `x` are the same variable.
fn key(name: &Ident) -> String {
    let s = name.to_string();
    match s.strip_prefix("r#") {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

impl Vars {
    pub fn len(&self) -> usize {
        self.locals.len()
    }

    pub fn push(&mut self, name: Ident, value: Value) {
        self.by_name
            .entry(key(&name))
            .or_default()
            .push(self.locals.len());
        self.locals.push(Local { name, value });
    }

    /// Drops the variables declared after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        while self.locals.len() > len {
            if let Some(local) = self.locals.pop() {
                if let Some(stack) = self.by_name.get_mut(&key(&local.name)) {
                    stack.pop();
                }
            }
        }
    }

    /// The position of the innermost variable called `name`.
    pub fn find(&self, name: &Ident) -> Option<usize> {
        self.by_name.get(&key(name)).and_then(|s| s.last().copied())
    }

    pub fn get(&self, i: usize) -> &Local {
        &self.locals[i]
    }

    /// Assigns variable `i`, remembering what it held.
    pub fn set(&mut self, i: usize, value: Value) {
        let old = std::mem::replace(&mut self.locals[i].value, value);
        self.trail.push((i, old));
    }

    /// A point to come back to with [`Vars::undo`].
    pub fn mark(&self) -> usize {
        self.trail.len()
    }

    /// Undoes the assignments made since `mark` (to variables still in
    /// scope) and returns the variables they changed, in order, each once,
    /// with the value each had just before the undo.
    pub fn undo(&mut self, mark: usize) -> Vec<(usize, Value)> {
        let mut changed: Vec<(usize, Value)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while self.trail.len() > mark {
            let Some((i, old)) = self.trail.pop() else {
                break;
            };
            if i >= self.locals.len() {
                continue;
            }
            // Walking back, the first entry met for a variable holds its
            // final value; the earliest restores what it had at `mark`.
            let now = std::mem::replace(&mut self.locals[i].value, old);
            if seen.insert(i) {
                changed.push((i, now));
            }
        }
        changed.sort_by_key(|(i, _)| *i);
        changed
    }
}
