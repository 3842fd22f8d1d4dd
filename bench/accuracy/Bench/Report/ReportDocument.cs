using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace AssetMeter.Bench.Report
{
    /// <summary>
    /// A report as a list of blocks, written once and rendered twice: Markdown (for the repository and diffing) and
    /// HTML (self-contained, the plots embedded), so the two can never say different things.
    /// </summary>
    public sealed class ReportDocument
    {
        private readonly List<Block> _blocks = new();

        public abstract record Block;

        public sealed record Heading(int Level, string Text) : Block;

        public sealed record Paragraph(string Text) : Block;

        public sealed record TableBlock(string[] Headers, List<string[]> Rows) : Block;

        public sealed record ImageBlock(string FileName, string Alt, byte[] Png) : Block;

        public sealed record CodeBlock(string Text) : Block;

        public IReadOnlyList<Block> Blocks => _blocks;

        public ReportDocument H(int level, string text) => Add(new Heading(level, text));

        public ReportDocument P(string text) => Add(new Paragraph(text));

        public ReportDocument Code(string text) => Add(new CodeBlock(text));

        public ReportDocument Image(string fileName, string alt, byte[] png) => Add(new ImageBlock(fileName, alt, png));

        public ReportDocument Table(string[] headers, List<string[]> rows) => Add(new TableBlock(headers, rows));

        private ReportDocument Add(Block block)
        {
            _blocks.Add(block);
            return this;
        }

        public string ToMarkdown()
        {
            var md = new StringBuilder();
            foreach (Block block in _blocks)
            {
                switch (block)
                {
                    case Heading h:
                        md.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine();
                        break;
                    case Paragraph p:
                        md.AppendLine(p.Text).AppendLine();
                        break;
                    case CodeBlock c:
                        md.AppendLine("```").AppendLine(c.Text).AppendLine("```").AppendLine();
                        break;
                    case ImageBlock i:
                        md.Append("![").Append(i.Alt).Append("](").Append(i.FileName).AppendLine(")").AppendLine();
                        break;
                    case TableBlock t:
                        md.Append("| ").Append(string.Join(" | ", Array.ConvertAll(t.Headers, Cell))).AppendLine(" |");
                        md.Append('|').Append(string.Concat(Array.ConvertAll(t.Headers, _ => "---|"))).AppendLine();
                        foreach (string[] row in t.Rows)
                        {
                            md.Append("| ").Append(string.Join(" | ", Array.ConvertAll(row, Cell))).AppendLine(" |");
                        }

                        md.AppendLine();
                        break;
                }
            }

            return md.ToString();
        }

        public string ToHtml(string title)
        {
            var html = new StringBuilder();
            html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .Append("<title>").Append(WebUtility.HtmlEncode(title)).AppendLine("</title>")
                .AppendLine("<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
                    + "table{border-collapse:collapse;margin:1em 0;font-size:90%}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
                    + "th{background:#eee}pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all;font-size:80%}"
                    + "td.pass{background:#dfd}td.fail{background:#fdd}td.inconclusive{background:#ffd}td.not-measured{background:#ddd}img{max-width:100%}</style>")
                .AppendLine("</head><body>");
            foreach (Block block in _blocks)
            {
                switch (block)
                {
                    case Heading h:
                        html.Append("<h").Append(h.Level).Append('>').Append(WebUtility.HtmlEncode(h.Text)).Append("</h").Append(h.Level).AppendLine(">");
                        break;
                    case Paragraph p:
                        html.Append("<p>").Append(WebUtility.HtmlEncode(p.Text)).AppendLine("</p>");
                        break;
                    case CodeBlock c:
                        html.Append("<pre>").Append(WebUtility.HtmlEncode(c.Text)).AppendLine("</pre>");
                        break;
                    case ImageBlock i:
                        html.Append("<p><img alt=\"").Append(WebUtility.HtmlEncode(i.Alt)).Append("\" src=\"data:image/png;base64,")
                            .Append(Convert.ToBase64String(i.Png)).AppendLine("\"></p>");
                        break;
                    case TableBlock t:
                        html.Append("<table><tr>");
                        foreach (string header in t.Headers)
                        {
                            html.Append("<th>").Append(WebUtility.HtmlEncode(header)).Append("</th>");
                        }

                        html.AppendLine("</tr>");
                        foreach (string[] row in t.Rows)
                        {
                            html.Append("<tr>");
                            foreach (string cell in row)
                            {
                                string css = cell switch { "pass" => " class=\"pass\"", "FAIL" => " class=\"fail\"", "inconclusive" => " class=\"inconclusive\"", "not measured" => " class=\"not-measured\"", _ => string.Empty };
                                html.Append("<td").Append(css).Append('>').Append(WebUtility.HtmlEncode(cell)).Append("</td>");
                            }

                            html.AppendLine("</tr>");
                        }

                        html.AppendLine("</table>");
                        break;
                }
            }

            return html.AppendLine("</body></html>").ToString();
        }

        private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    }
}
