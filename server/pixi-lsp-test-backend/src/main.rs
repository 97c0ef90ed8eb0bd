fn main() -> std::process::ExitCode {
    pixi_lsp_test_backend::main()
}
