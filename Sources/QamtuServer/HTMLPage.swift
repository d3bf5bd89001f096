import Hummingbird

/// A small HTML page for people browsing the API (`f=html` or a browser's `Accept`): every text
/// put in goes through ``escape(_:)``, so no data can become markup.
struct HTMLPage {
    private var parts: [String] = []
    let title: String

    init(title: String) { self.title = title }

    /// Text with `& < > " '` escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    mutating func heading(_ text: String, level: Int = 1) {
        parts.append("<h\(level)>\(Self.escape(text))</h\(level)>")
    }

    mutating func paragraph(_ text: String) { parts.append("<p>\(Self.escape(text))</p>") }

    /// A list of links (href, text).
    mutating func links(_ items: [(href: String, text: String)]) {
        parts.append("<ul>" + items.map { "<li><a href=\"\(Self.escape($0.href))\">\(Self.escape($0.text))</a></li>" }.joined() + "</ul>")
    }

    /// A table with a header row; cells are text, or links when a href is given.
    mutating func table(header: [String], rows: [[(text: String, href: String?)]]) {
        var html = "<table><thead><tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for cell in row {
                if let href = cell.href {
                    html += "<td><a href=\"\(Self.escape(href))\">\(Self.escape(cell.text))</a></td>"
                } else {
                    html += "<td>\(Self.escape(cell.text))</td>"
                }
            }
            html += "</tr>"
        }
        parts.append(html + "</tbody></table>")
    }

    /// Preformatted text (JSON shown as it is).
    mutating func preformatted(_ text: String) { parts.append("<pre>\(Self.escape(text))</pre>") }

    /// The page as a `text/html` response.
    func response() -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
            <style>body{font-family:sans-serif;margin:1.5em;max-width:80em}table{border-collapse:collapse}\
            td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
            </head><body>
            \(parts.joined(separator: "\n"))
            </body></html>

            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
