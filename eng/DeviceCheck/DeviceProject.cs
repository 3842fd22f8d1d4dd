using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace AssetMeter.DeviceCheck
{
    /// <summary>An assembly a device project references: its name, the version it pins, and the HintPath it gives.</summary>
    public sealed record DeviceReference(string Name, string? Version, string? HintPath);

    /// <summary>
    /// What a .nfproj compiles, read from the file itself as the nanoFramework project system would: its assembly name
    /// and language version, the sources it lists or imports through shared .projitems lists, the assemblies it
    /// references and the device projects it depends on.
    /// </summary>
    public sealed class DeviceProject
    {
        private DeviceProject(string path, string assemblyName, string languageVersion, IReadOnlyList<string> sources,
            IReadOnlyList<string> sourceLists, IReadOnlyList<DeviceReference> references, IReadOnlyList<string> projectReferences)
        {
            Path = path;
            AssemblyName = assemblyName;
            LanguageVersion = languageVersion;
            Sources = sources;
            SourceLists = sourceLists;
            References = references;
            ProjectReferences = projectReferences;
        }

        /// <summary>Full path of the .nfproj.</summary>
        public string Path { get; }

        public string AssemblyName { get; }

        public string LanguageVersion { get; }

        /// <summary>Full paths of every source file, in the order the project lists them.</summary>
        public IReadOnlyList<string> Sources { get; }

        /// <summary>Full paths of the shared source lists (.projitems) the project imports.</summary>
        public IReadOnlyList<string> SourceLists { get; }

        public IReadOnlyList<DeviceReference> References { get; }

        /// <summary>Full paths of the .nfproj files this one references.</summary>
        public IReadOnlyList<string> ProjectReferences { get; }

        public static DeviceProject Load(string path)
        {
            path = System.IO.Path.GetFullPath(path);
            var directory = System.IO.Path.GetDirectoryName(path)!;
            var project = XDocument.Load(path).Root!;
            var sources = new List<string>();
            var lists = new List<string>();
            var references = new List<DeviceReference>();
            var projectReferences = new List<string>();

            foreach (var element in project.Descendants())
            {
                switch (element.Name.LocalName)
                {
                    case "Compile":
                        sources.Add(Resolve(directory, Include(element), directory));
                        break;
                    case "Import":
                        var imported = element.Attribute("Project")?.Value ?? string.Empty;
                        if (imported.EndsWith(".projitems", StringComparison.OrdinalIgnoreCase))
                        {
                            var list = Resolve(directory, imported, directory);
                            lists.Add(list);
                            sources.AddRange(SourcesOf(list));
                        }

                        break;
                    case "Reference":
                        references.Add(ReferenceOf(element, directory));
                        break;
                    case "ProjectReference":
                        projectReferences.Add(Resolve(directory, Include(element), directory));
                        break;
                }
            }

            string assemblyName = Property(project, "AssemblyName") ?? System.IO.Path.GetFileNameWithoutExtension(path);
            string languageVersion = Property(project, "LangVersion") ?? "default";
            return new DeviceProject(path, assemblyName, languageVersion, sources, lists, references, projectReferences);
        }

        /// <summary>The sources a shared .projitems list names.</summary>
        public static IEnumerable<string> SourcesOf(string projitems)
        {
            var directory = System.IO.Path.GetDirectoryName(projitems)!;
            return XDocument.Load(projitems).Descendants()
                .Where(e => e.Name.LocalName == "Compile")
                .Select(e => Resolve(directory, Include(e), directory))
                .ToList();
        }

        private static DeviceReference ReferenceOf(XElement element, string directory)
        {
            // Include="System.Math, Version=1.5.116.0, Culture=neutral, PublicKeyToken=c07d481e9758c731"
            var parts = Include(element).Split(',');
            string? version = parts.Skip(1).Select(p => p.Trim())
                .Where(p => p.StartsWith("Version=", StringComparison.Ordinal))
                .Select(p => p.Substring("Version=".Length)).FirstOrDefault();
            var hint = element.Elements().FirstOrDefault(e => e.Name.LocalName == "HintPath")?.Value;
            return new DeviceReference(parts[0].Trim(), version, hint == null ? null : Resolve(directory, hint, directory));
        }

        private static string? Property(XElement project, string name) =>
            project.Descendants().FirstOrDefault(e => e.Name.LocalName == name && e.Parent?.Name.LocalName == "PropertyGroup")?.Value.Trim();

        private static string Include(XElement element) => element.Attribute("Include")?.Value
            ?? throw new InvalidDataException($"<{element.Name.LocalName}> without Include");

        // Device projects are written on Windows: backslashes, and $(MSBuildThisFileDirectory) in shared lists.
        private static string Resolve(string directory, string value, string thisFileDirectory)
        {
            var text = value.Replace("$(MSBuildThisFileDirectory)", thisFileDirectory + "/", StringComparison.Ordinal)
                .Replace('\\', '/');
            return System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(text) ? text : System.IO.Path.Combine(directory, text));
        }
    }
}
