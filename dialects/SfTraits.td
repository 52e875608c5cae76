//===- SfTraits.td - traits shared by sf op families ----------------------===//
#ifndef SF_TRAITS_TD
#define SF_TRAITS_TD

include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

/// Result type inference from the op's Adaptor, like upstream's
/// InferTypeOpAdaptor but safe before the op exists: ODS builders and the C
/// API behind the Python builders infer with attributes not yet turned into
/// properties and default-valued ones missing (upstream's wrapper then reads
/// null attributes and crashes). The op defines
/// `inferReturnTypes(MLIRContext *, std::optional<Location>, Adaptor, types)`;
/// a written result type may be more or less static than the inferred one.
def Sf_InferTypeFromAdaptor : TraitList<[
  DeclareOpInterfaceMethods<InferTypeOpInterface>,
  NativeOpTrait<"SfInferTypeFromAdaptor", [], [{
    static ::llvm::LogicalResult inferReturnTypes(::mlir::MLIRContext *context,
        std::optional<::mlir::Location> location, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes);
    static bool isCompatibleReturnTypes(::mlir::TypeRange l,
                                        ::mlir::TypeRange r);
  }], [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        ::mlir::ValueRange operands, ::mlir::DictionaryAttr attributes,
        ::mlir::OpaqueProperties properties, ::mlir::RegionRange regions,
        ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
      Properties storage;
      auto adaptor = ::mlir::sf::inferenceAdaptor<$cppClass>(
          context, location, operands, attributes, properties, regions,
          storage);
      if (::mlir::failed(adaptor))
        return ::mlir::failure();
      return inferReturnTypes(context, location, *adaptor,
                              inferredReturnTypes);
    }
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                            ::mlir::TypeRange actual) {
      return ::mlir::sf::areCompatibleTensorTypes(inferred, actual);
    }
  }]>
]>;

#endif // SF_TRAITS_TD
