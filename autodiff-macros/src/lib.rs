pub fn differentiable() {}
