use autodiff::differentiable;

struct Model {
    rate: f64,
}

impl Model {
    #[differentiable]
    fn loss(&mut self, x: f64) -> f64 {
        self.rate * x * x
    }
}

fn main() {
    let mut m = Model { rate: 0.5 };
    let _ = m.loss_grad(1.0);
}
