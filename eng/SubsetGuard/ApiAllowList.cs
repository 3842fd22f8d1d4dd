using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AssetMeter.SubsetGuard
{
    /// <summary>
    /// The framework types and members portable code may use: documentation-comment IDs
    /// (<c>T:System.String</c>, <c>M:System.String.Substring(System.Int32)</c>), one per line, each checked
    /// against the public sources of the nanoFramework stable packages. Anything a portable file references
    /// from outside its own compilation must be listed; the file is an MSBuild AdditionalFiles item whose
    /// name ends in <c>.api.txt</c>.
    /// </summary>
    internal sealed class ApiAllowList
    {
        public const string FileSuffix = ".api.txt";

        private readonly HashSet<string> _ids;

        private ApiAllowList(HashSet<string> ids, bool present)
        {
            _ids = ids;
            IsPresent = present;
        }

        /// <summary>False when the project gave no allow-list: then only the construct rules run.</summary>
        public bool IsPresent { get; }

        public bool Contains(string id) => _ids.Contains(id);

        public static ApiAllowList Load(AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var present = false;
            foreach (var file in options.AdditionalFiles.Where(f => f.Path.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase)))
            {
                var text = file.GetText(cancellationToken);
                if (text == null)
                {
                    continue;
                }

                present = true;
                foreach (var line in text.Lines)
                {
                    // '#' starts a comment at the start of a line or after white space ('#ctor' is part of IDs).
                    var entry = line.ToString();
                    var hash = entry.IndexOf(" #", StringComparison.Ordinal);
                    if (hash >= 0)
                    {
                        entry = entry.Substring(0, hash);
                    }

                    entry = entry.Trim();
                    if (entry.StartsWith("#", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    if (entry.Length > 0)
                    {
                        ids.Add(entry);
                    }
                }
            }

            return new ApiAllowList(ids, present);
        }

        public static string? IdOf(ISymbol symbol)
        {
            return symbol.OriginalDefinition.GetDocumentationCommentId();
        }
    }
}
