using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using AssetMeter.SubsetGuard;

namespace AssetMeter.Portability.Tests
{
    /// <summary>Compiles a snippet against the host framework and runs the guard with the repository's real allow-list.</summary>
    internal static class GuardHarness
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        {
            var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            return paths.Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        });

        public static string RepoRoot
        {
            get
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir != null && !File.Exists(Path.Combine(dir.FullName, "nanoFramework.sln")))
                {
                    dir = dir.Parent;
                }

                return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
            }
        }

        public static IReadOnlyList<Diagnostic> Analyze(string source)
        {
            var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
            var compilation = CSharpCompilation.Create("Snippet", new[] { tree }, References.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));

            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new InvalidOperationException("snippet does not compile: " + string.Join("; ", errors));
            }

            var allowList = new FileText(Path.Combine(RepoRoot, "eng", "nanoframework-stable.api.txt"));
            var options = new AnalyzerOptions(ImmutableArray.Create<AdditionalText>(allowList));
            var withAnalyzer = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SubsetGuardAnalyzer()), options);
            return withAnalyzer.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        private sealed class FileText : AdditionalText
        {
            public FileText(string path)
            {
                Path = path;
            }

            public override string Path { get; }

            public override SourceText GetText(CancellationToken cancellationToken = default)
            {
                return SourceText.From(File.ReadAllText(Path));
            }
        }
    }
}
