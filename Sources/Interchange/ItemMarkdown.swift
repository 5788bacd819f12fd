/// The Markdown of bank items as HTML for the service's pages: the same safe subset the QTI export writes
/// (paragraphs, lists, emphasis, code, links limited to http, https and mailto, images); everything else is escaped
/// text, so a bank's text never becomes script or markup of its own.
public enum ItemMarkdown {
    /// The HTML for `markdown`.
    public static func html(_ markdown: String) -> String {
        MarkdownXHTML.render(markdown, imagePrefix: "")
    }
}
