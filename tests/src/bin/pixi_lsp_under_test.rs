fn main() -> std::process::ExitCode {
    pixi_lsp::main()
}
