// Package hotwax is the client for the HotWax Commerce OMS ("OMS 1.0", OFBiz REST layer under /api/).
//
// Every call the diagnostic chain and the remedies make goes through Client. The simulated OMS in
// hotwaxtest answers exactly these requests, so the wire format below is the contract between the two.
// All requests are POST with a JSON body and "Authorization: Bearer <token>"; the base URL ends in /api/.
//
//	login              POST login {"USERNAME","PASSWORD"} → {"token","expirationTime"(epoch ms)}
//	ProductsBySKU      POST solr-query {"json":{"params":{"rows":N,"start":0},"query":"*:*",
//	                     "filter":"docType: PRODUCT AND productStoreIds: \"S\" AND sku: (\"A\" OR \"B\")"}}
//	                     → {"response":{"numFound","start","docs":[{productId,sku,internalName,productName,
//	                        parentProductName,groupId,isVirtual,isVariant,goodIdentifications[],
//	                        prodCatalogCategoryTypeIds[],productCategories[],productStoreIds[]}]}}
//	Shops              POST performFind {"entityName":"ShopifyShopAndConfig","inputFields":{"productStoreId":S},
//	                     "fieldList":["accessScopeEnumId","shopifyConfigId","shopId","name"],
//	                     "orderBy":"name ASC","viewSize":100,"noConditionFind":"Y"}
//	ShopLinks          POST performFind {"entityName":"ShopifyShopProduct","inputFields":{"productId":[…],
//	                     "productId_op":"in"},"fieldList":["shopId","shopifyProductId","shopifyInventoryItemId",
//	                     "productId","createdStamp","lastUpdatedStamp"],"noConditionFind":"Y","viewSize":250}
//	PreorderCategories POST performFind {"entityName":"ProductStoreCatalog","inputFields":{"productStoreId":S},
//	                     "fieldList":["productStoreId","prodCatalogId"],"filterByDate":"Y","viewSize":1}
//	                   then POST performFind {"entityName":"ProdCatalogCategory","inputFields":{"prodCatalogId":C,
//	                     "prodCatalogCategoryTypeId":["PCCT_PREORDR","PCCT_BACKORDER"],
//	                     "prodCatalogCategoryTypeId_op":"in"},"fieldList":["productCategoryId",
//	                     "prodCatalogCategoryTypeId"],"filterByDate":"Y","viewSize":100}
//	CategoryMembers    POST performFind {"entityName":"ProductCategoryMember","inputFields":{"productId":[…],
//	                     "productId_op":"in"},"fieldList":["productId","productCategoryId","fromDate","thruDate",
//	                     "lastUpdatedStamp"],"filterByDate":"Y","viewSize":250}
//	FindJobs           POST findJobs {"inputFields":{"systemJobEnumId":X | [X,Y] + "systemJobEnumId_op":"in",
//	                     "statusId":X | [X,Y] + "statusId_op":"in","productStoreId":S?,"shopId":H?},
//	                     "noConditionFind":"Y","viewSize":N,"viewIndex":I,"orderBy":"runTime DESC"?}
//	                     → {"count","docs":[Job…]} (no fieldList, so docs carry runtimeData and serviceInParams)
//	ScheduleJob        POST scheduleService (payload of hotwax-api §4.3; run-now omits SERVICE_RUN_AS_SYSTEM,
//	                     jobFields.maxRecurrenceCount and jobFields.runAsUser) → the service OUT map,
//	                     {"successMessage"?}; no jobId is read (find the new row with FindJobs)
//	CreateShopLink     POST service/createShopifyShopProduct {"shopId","productId","shopifyProductId",
//	                     "shopifyInventoryItemId"}
//	Listings           POST solr-query {"coreName":"shopifyCore","json":{"params":{"rows":N,
//	                     "sort":"_timestamp_ desc"},"query":"*:*","filter":"docType: BULKOPERATION AND
//	                     operation: (SHOP_PREORDER_SYNC OR \"H\") AND data.productVariantUpdate.
//	                     productVariant.id: (\"gid://shopify/ProductVariant/V1\" OR
//	                     \"gid://hotwax/ProductVariant/id/P1\" OR …) AND data.productVariantUpdate.productVariant.
//	                     metafields.edges.node.namespace: \"HC_PREORDER\""}} → docs with every field an array:
//	                     {"_timestamp_":[ISO],"contains_error":[bool],"…productVariant.id":[gid…],
//	                     "…metafields.edges.node.namespace":[ns…],"…metafields.edges.node.value":[json…]};
//	                     on Solr's 400 "undefined field", once per client, the same with
//	                     data_productVariantUpdate_productVariant_* names
//
// Error rule (hotwax-api §1.1): a body that is not a JSON object, or a non-empty _ERROR_MESSAGE_,
// _ERROR_MESSAGE_LIST_ or error, is a failure; {"error":"No record found"} without docs on a find is
// zero rows. Entity timestamps are epoch milliseconds; counts may be numbers or strings.
package hotwax
