// A method the macro has no derivative rule for, called on a differentiated
// value. The trait makes the original function valid Rust, so the only error
// is the macro's.
use autodiff::differentiable;

trait Foo {
    fn foo(self) -> f64;
}

impl Foo for f64 {
    fn foo(self) -> f64 {
        self * 2.0
    }
}

#[differentiable]
fn f(x: f64) -> f64 {
    x.foo() + x
}

fn main() {
    let _ = f_grad(1.0);
}
