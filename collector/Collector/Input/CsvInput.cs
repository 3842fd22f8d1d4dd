using System;
using System.Collections.Generic;
using System.IO;

namespace AssetMeter.Collector.Input
{
    /// <summary>A problem in an input file: which file, which line, what is wrong, in words the sender can act on.</summary>
    public sealed class InputFileException : Exception
    {
        public InputFileException(string file, int line, string problem)
            : base(line > 0 ? $"{file}, line {line}: {problem}" : $"{file}: {problem}")
        {
            File = file;
            Line = line;
            Problem = problem;
        }

        public string File { get; }

        public int Line { get; }

        public string Problem { get; }
    }

    /// <summary>One data line of an input file.</summary>
    public sealed class CsvRow
    {
        private readonly Dictionary<string, int> _columns;
        private readonly string[] _cells;

        internal CsvRow(string file, int line, Dictionary<string, int> columns, string[] cells)
        {
            File = file;
            Line = line;
            _columns = columns;
            _cells = cells;
        }

        public string File { get; }

        public int Line { get; }

        /// <summary>True when the file has the column.</summary>
        public bool Has(string column) => _columns.ContainsKey(column);

        /// <summary>The cell of <paramref name="column"/>, trimmed ("" when empty).</summary>
        public string this[string column] => _columns.TryGetValue(column, out int at) ? _cells[at] : throw Error($"no column '{column}'");

        public InputFileException Error(string problem) => new(File, Line, problem);
    }

    /// <summary>
    /// The input files the settlement and portfolio tools read (registries, boundary data, dispatch instructions):
    /// UTF-8 text, a header line naming the columns, one record a line, cells separated by commas with no quoting (no
    /// value needs a comma), white space around cells ignored, empty lines and lines starting with '#' skipped.
    /// </summary>
    public static class CsvInput
    {
        /// <summary>Reads <paramref name="path"/>, whose header must name every column of <paramref name="required"/>.</summary>
        public static List<CsvRow> Read(string path, params string[] required)
        {
            string name = Path.GetFileName(path);
            if (!System.IO.File.Exists(path))
            {
                throw new InputFileException(name, 0, "the file does not exist");
            }

            return Parse(name, System.IO.File.ReadAllLines(path), required);
        }

        /// <summary>Parses lines already read (tests, and files from elsewhere).</summary>
        public static List<CsvRow> Parse(string name, IReadOnlyList<string> lines, params string[] required)
        {
            Dictionary<string, int>? columns = null;
            var rows = new List<CsvRow>();
            for (int i = 0; i < lines.Count; i++)
            {
                string text = lines[i].Trim();
                if (text.Length == 0 || text[0] == '#')
                {
                    continue;
                }

                string[] cells = text.Split(',');
                for (int c = 0; c < cells.Length; c++)
                {
                    cells[c] = cells[c].Trim();
                }

                if (columns == null)
                {
                    columns = new Dictionary<string, int>(StringComparer.Ordinal);
                    for (int c = 0; c < cells.Length; c++)
                    {
                        if (!columns.TryAdd(cells[c], c))
                        {
                            throw new InputFileException(name, i + 1, $"column '{cells[c]}' is named twice");
                        }
                    }

                    foreach (string column in required)
                    {
                        if (!columns.ContainsKey(column))
                        {
                            throw new InputFileException(name, i + 1, $"the header has no column '{column}' (it needs {string.Join(", ", required)})");
                        }
                    }

                    continue;
                }

                if (cells.Length != columns.Count)
                {
                    throw new InputFileException(name, i + 1, $"{cells.Length} cells where the header has {columns.Count}");
                }

                rows.Add(new CsvRow(name, i + 1, columns, cells));
            }

            if (columns == null)
            {
                throw new InputFileException(name, 0, "the file has no header line");
            }

            return rows;
        }
    }
}
