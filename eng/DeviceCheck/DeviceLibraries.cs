using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace AssetMeter.DeviceCheck
{
    /// <summary>How the check resolves each assembly a device project references.</summary>
    public enum ReferenceKind
    {
        /// <summary>The real nanoFramework mscorlib, from the nanoFramework.CoreLibrary package.</summary>
        RealMscorlib,

        /// <summary>A reference-only declaration of an unserved package's public surface, in eng/DeviceCheck/ReferenceOnly.</summary>
        ReferenceOnly,

        /// <summary>Referenced by the project but by none of its sources (the test launcher): not given to the compiler.</summary>
        NotCompiledAgainst,

        /// <summary>A package this machine does not serve and the check does not declare: its project cannot be checked.</summary>
        Unserved,
    }

    /// <summary>
    /// The libraries the check compiles against: the real mscorlib restored by this tool's own project, and the
    /// reference-only declarations of the two unserved packages that portable code and the shared tests use.
    /// </summary>
    public static class DeviceLibraries
    {
        /// <summary>The package id of the real device mscorlib.</summary>
        public const string CoreLibraryPackage = "nanoFramework.CoreLibrary";

        /// <summary>Full path of the real mscorlib.dll (lib/ of nanoFramework.CoreLibrary in the NuGet cache).</summary>
        public static string Mscorlib => Metadata("NanoFrameworkMscorlib");

        /// <summary>The CoreLibrary version this tool restored, e.g. 1.17.11.</summary>
        public static string CoreLibraryVersion => Metadata("NanoFrameworkCoreLibraryVersion");

        /// <summary>The SDK's own C# compiler (csc.dll, run with dotnet exec).</summary>
        public static string Compiler => Metadata("SdkCompiler");

        /// <summary>The dotnet host that runs the compiler.</summary>
        public static string DotnetHost
        {
            get
            {
                var host = Metadata("DotnetHost");
                return string.IsNullOrEmpty(host) ? "dotnet" : host;
            }
        }

        /// <summary>
        /// Reference-only declarations: assembly name, the version the .nfproj files pin (checked against them), the
        /// declaration's file under eng/DeviceCheck/ReferenceOnly, and the package it stands for.
        /// </summary>
        public static readonly ReferenceOnlyAssembly[] ReferenceOnly =
        {
            new ReferenceOnlyAssembly("System.Math", "1.5.116.0", "System.Math.cs", "nanoFramework.System.Math"),
            new ReferenceOnlyAssembly("nanoFramework.TestFramework", "3.0.80.0", "nanoFramework.TestFramework.cs", "nanoFramework.TestFramework"),
        };

        /// <summary>Referenced by tests/NFUnitTest for deployment to the device; no source uses it.</summary>
        public static readonly string[] NotCompiledAgainst = { "nanoFramework.UnitTestLauncher" };

        public static ReferenceKind KindOf(DeviceReference reference)
        {
            if (reference.Name == "mscorlib")
            {
                return ReferenceKind.RealMscorlib;
            }

            if (ReferenceOnly.Any(r => r.Name == reference.Name))
            {
                return ReferenceKind.ReferenceOnly;
            }

            return NotCompiledAgainst.Contains(reference.Name) ? ReferenceKind.NotCompiledAgainst : ReferenceKind.Unserved;
        }

        /// <summary>The folder of the reference-only declarations in a repository.</summary>
        public static string ReferenceOnlyFolder(string repositoryRoot) => Path.Combine(repositoryRoot, "eng", "DeviceCheck", "ReferenceOnly");

        private static string Metadata(string key) =>
            typeof(DeviceLibraries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value
            ?? throw new InvalidOperationException("device-check was built without " + key);
    }

    /// <summary>A reference-only declaration of an unserved nanoFramework package.</summary>
    public sealed record ReferenceOnlyAssembly(string Name, string Version, string SourceFile, string Package);
}
