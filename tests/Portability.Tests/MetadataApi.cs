using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AssetMeter.Portability.Tests
{
    /// <summary>
    /// The public API of an assembly as C# documentation-comment IDs (<c>M:System.String.Substring(System.Int32)</c>),
    /// read straight from its metadata with System.Reflection.Metadata: the same IDs the subset guard's allow-list
    /// holds, so the two can be compared without loading the assembly (nanoFramework's mscorlib cannot be loaded
    /// into .NET).
    /// </summary>
    internal static class MetadataApi
    {
        public static HashSet<string> PublicIds(string assemblyPath)
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var names = new SignatureNames(reader);
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                if (!IsVisible(reader, type))
                {
                    continue;
                }

                string typeName = names.TypeName(handle);
                ids.Add("T:" + typeName);
                foreach (var methodHandle in type.GetMethods())
                {
                    var method = reader.GetMethodDefinition(methodHandle);
                    if (!IsVisible(method.Attributes & MethodAttributes.MemberAccessMask))
                    {
                        continue;
                    }

                    var signature = method.DecodeSignature(names, null);
                    string name = reader.GetString(method.Name).Replace('.', '#');
                    int arity = method.GetGenericParameters().Count;
                    ids.Add("M:" + typeName + "." + name + (arity > 0 ? "``" + arity : string.Empty) + Parameters(signature.ParameterTypes));
                }

                foreach (var fieldHandle in type.GetFields())
                {
                    var field = reader.GetFieldDefinition(fieldHandle);
                    if (IsVisible((MethodAttributes)(int)(field.Attributes & FieldAttributes.FieldAccessMask)))
                    {
                        ids.Add("F:" + typeName + "." + reader.GetString(field.Name));
                    }
                }

                foreach (var propertyHandle in type.GetProperties())
                {
                    var property = reader.GetPropertyDefinition(propertyHandle);
                    var accessors = property.GetAccessors();
                    var accessor = !accessors.Getter.IsNil ? accessors.Getter : accessors.Setter;
                    if (accessor.IsNil || !IsVisible(reader.GetMethodDefinition(accessor).Attributes & MethodAttributes.MemberAccessMask))
                    {
                        continue;
                    }

                    var signature = property.DecodeSignature(names, null);
                    ids.Add("P:" + typeName + "." + reader.GetString(property.Name) + Parameters(signature.ParameterTypes));
                }

                foreach (var eventHandle in type.GetEvents())
                {
                    var definition = reader.GetEventDefinition(eventHandle);
                    var adder = definition.GetAccessors().Adder;
                    if (!adder.IsNil && IsVisible(reader.GetMethodDefinition(adder).Attributes & MethodAttributes.MemberAccessMask))
                    {
                        ids.Add("E:" + typeName + "." + reader.GetString(definition.Name));
                    }
                }
            }

            return ids;
        }

        /// <summary>The assembly's name and version as its metadata states them.</summary>
        public static AssemblyName NameOf(string assemblyPath)
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            return pe.GetMetadataReader().GetAssemblyDefinition().GetAssemblyName();
        }

        /// <summary>"name version" of every assembly the given one references.</summary>
        public static IEnumerable<string> ReferencedAssemblies(string assemblyPath)
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            return reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h))
                .Select(r => reader.GetString(r.Name) + " " + r.Version)
                .ToList();
        }

        private static string Parameters(ImmutableArray<string> parameters) =>
            parameters.Length == 0 ? string.Empty : "(" + string.Join(",", parameters) + ")";

        private static bool IsVisible(MethodAttributes access) => access == MethodAttributes.Public || access == MethodAttributes.Family || access == MethodAttributes.FamORAssem;

        private static bool IsVisible(MetadataReader reader, TypeDefinition type)
        {
            var visibility = type.Attributes & TypeAttributes.VisibilityMask;
            if (visibility == TypeAttributes.Public)
            {
                return true;
            }

            if (visibility != TypeAttributes.NestedPublic && visibility != TypeAttributes.NestedFamily && visibility != TypeAttributes.NestedFamORAssem)
            {
                return false;
            }

            return IsVisible(reader, reader.GetTypeDefinition(type.GetDeclaringType()));
        }

        /// <summary>Type names in documentation-ID form, decoded from signatures.</summary>
        private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
        {
            private readonly MetadataReader _reader;

            public SignatureNames(MetadataReader reader) => _reader = reader;

            public string TypeName(TypeDefinitionHandle handle)
            {
                var type = _reader.GetTypeDefinition(handle);
                string name = _reader.GetString(type.Name);
                var declaring = type.GetDeclaringType();
                if (!declaring.IsNil)
                {
                    return TypeName(declaring) + "." + name;
                }

                string space = _reader.GetString(type.Namespace);
                return space.Length == 0 ? name : space + "." + name;
            }

            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
            {
                PrimitiveTypeCode.Boolean => "System.Boolean",
                PrimitiveTypeCode.Byte => "System.Byte",
                PrimitiveTypeCode.SByte => "System.SByte",
                PrimitiveTypeCode.Char => "System.Char",
                PrimitiveTypeCode.Int16 => "System.Int16",
                PrimitiveTypeCode.UInt16 => "System.UInt16",
                PrimitiveTypeCode.Int32 => "System.Int32",
                PrimitiveTypeCode.UInt32 => "System.UInt32",
                PrimitiveTypeCode.Int64 => "System.Int64",
                PrimitiveTypeCode.UInt64 => "System.UInt64",
                PrimitiveTypeCode.Single => "System.Single",
                PrimitiveTypeCode.Double => "System.Double",
                PrimitiveTypeCode.IntPtr => "System.IntPtr",
                PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
                PrimitiveTypeCode.Object => "System.Object",
                PrimitiveTypeCode.String => "System.String",
                PrimitiveTypeCode.TypedReference => "System.TypedReference",
                PrimitiveTypeCode.Void => "System.Void",
                _ => throw new BadImageFormatException("primitive " + typeCode),
            };

            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(handle);

            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                var reference = reader.GetTypeReference(handle);
                string name = reader.GetString(reference.Name);
                if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                {
                    return GetTypeFromReference(reader, (TypeReferenceHandle)reference.ResolutionScope, rawTypeKind) + "." + name;
                }

                string space = reader.GetString(reference.Namespace);
                return space.Length == 0 ? name : space + "." + name;
            }

            public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

            public string GetSZArrayType(string elementType) => elementType + "[]";

            public string GetArrayType(string elementType, ArrayShape shape) =>
                elementType + "[" + string.Join(",", Enumerable.Repeat("0:", shape.Rank)) + "]";

            public string GetByReferenceType(string elementType) => elementType + "@";

            public string GetPointerType(string elementType) => elementType + "*";

            public string GetPinnedType(string elementType) => elementType;

            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
            {
                int tick = genericType.LastIndexOf('`');
                return (tick >= 0 ? genericType.Substring(0, tick) : genericType) + "{" + string.Join(",", typeArguments) + "}";
            }

            public string GetGenericTypeParameter(object? genericContext, int index) => "`" + index;

            public string GetGenericMethodParameter(object? genericContext, int index) => "``" + index;

            public string GetFunctionPointerType(MethodSignature<string> signature) => "=FUNC";
        }
    }
}
