package dev.starbench.image;

/** An image that cannot be read or built as its format requires; the message says where and why. */
public class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
