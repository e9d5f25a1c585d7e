//! An MMS picture read from its file, for the composer's 사진 첨부 and
//! `ringdesk sms send --image`: refused by its size and first bytes before
//! it is read whole (a 40 MB photo straight from a phone is never loaded to
//! be refused), and every refusal names the file.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::text::{Attachment, IMAGE_MAX_BYTES, ImageProblem};
use crate::domain::Picture;

/// Why a file cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureFileError {
    /// The file cannot be opened or read.
    #[error("{}: cannot be read: {reason}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The system's words.
        reason: String,
    },
    /// Not a JPEG, or too large for an MMS.
    #[error("{}: {problem}", .path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: ImageProblem,
    },
}

impl PictureFileError {
    /// The file it is about.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::Unreadable { path, .. } | Self::Refused { path, .. } => path,
        }
    }
}

/// Reads the JPEG at `path` for an MMS.
///
/// # Errors
/// [`PictureFileError::Unreadable`] when it cannot be read,
/// [`PictureFileError::Refused`] when it is no JPEG or larger than
/// [`IMAGE_MAX_BYTES`].
pub fn read_picture(path: &Path) -> Result<Picture, PictureFileError> {
    let unreadable = |error: std::io::Error| PictureFileError::Unreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    let refused = |problem| PictureFileError::Refused {
        path: path.to_owned(),
        problem,
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let size_bytes = file.metadata().map_err(unreadable)?.len();
    let mut head = [0_u8; 3];
    let read = read_up_to(&mut file, &mut head).map_err(unreadable)?;
    Attachment::jpeg_head(size_bytes, head.get(..read).unwrap_or_default()).map_err(refused)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size_bytes).unwrap_or(0));
    bytes.extend_from_slice(head.get(..read).unwrap_or_default());
    // One byte past the limit is enough to tell a file that grew since its
    // size was read.
    file.take(IMAGE_MAX_BYTES + 1 - u64::try_from(read).unwrap_or(0))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Attachment::jpeg(&bytes).map_err(refused)?;
    Ok(Picture::new(bytes))
}

/// Fills `buffer` as far as the file goes; the count read.
fn read_up_to(file: &mut File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buffer.get_mut(filled..)
        && !rest.is_empty()
    {
        match file.read(rest)? {
            0 => break,
            count => filled += count,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_is_read_and_anything_else_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let jpeg = dir.path().join("약도.jpg");
        std::fs::write(&jpeg, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2]).unwrap();
        assert_eq!(
            read_picture(&jpeg).unwrap().bytes(),
            [0xFF, 0xD8, 0xFF, 0xE0, 1, 2]
        );

        let png = dir.path().join("logo.png");
        std::fs::write(&png, b"\x89PNG\r\n").unwrap();
        let error = read_picture(&png).unwrap_err();
        assert_eq!(
            error,
            PictureFileError::Refused {
                path: png.clone(),
                problem: ImageProblem::NotJpeg
            }
        );
        assert!(error.to_string().contains("logo.png"), "{error}");

        let empty = dir.path().join("empty.jpg");
        std::fs::write(&empty, b"").unwrap();
        assert!(matches!(
            read_picture(&empty),
            Err(PictureFileError::Refused {
                problem: ImageProblem::NotJpeg,
                ..
            })
        ));

        let large = dir.path().join("photo.jpg");
        let mut bytes = vec![0xFF, 0xD8, 0xFF];
        bytes.resize(300_001, 0);
        std::fs::write(&large, bytes).unwrap();
        assert!(matches!(
            read_picture(&large),
            Err(PictureFileError::Refused {
                problem: ImageProblem::TooLarge { bytes: 300_001, .. },
                ..
            })
        ));

        let missing = dir.path().join("missing.jpg");
        let error = read_picture(&missing).unwrap_err();
        assert!(matches!(error, PictureFileError::Unreadable { .. }));
        assert_eq!(error.path(), missing);
    }
}
