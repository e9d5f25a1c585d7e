//! Windows builds: ringdesk.exe carries the app icon and a version resource
//! (file and product version from Cargo.toml), which Explorer, the taskbar
//! and the installer's shortcuts show. On every other system this does
//! nothing.

// Build scripts speak to Cargo on standard output.
#![allow(clippy::print_stdout)]

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(windows)]
    windows_resources();
}

#[cfg(windows)]
fn windows_resources() {
    println!("cargo:rerun-if-changed=assets/icons/ringdesk.ico");
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("assets/icons/ringdesk.ico")
        .set("ProductName", "ringdesk")
        .set(
            "FileDescription",
            "ringdesk: customer book, caller pop-up, click-to-call and SMS",
        )
        .set("CompanyName", "ringdesk developers");
    if let Err(error) = resource.compile() {
        println!("cargo:warning=cannot embed the icon and version resource: {error}");
        std::process::exit(1);
    }
}
